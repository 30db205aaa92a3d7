#pragma once

#include "core/HiddenText.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QStringList>

struct USpoofChecker;

namespace interlock {

struct RiskInput;

// One hidden, confusable or mixed-script character in one field of an action.
struct HiddenFinding {
    QString field; // "title", "payload.command", "changes[0].after", "payload.to[1]"…
    qsizetype position = 0;
    qsizetype length = 1;
    char32_t codePoint = 0;
    HiddenClass cls = HiddenClass::Invisible;
    QString subject;   // confusable / mixed_script: the domain or word it is in
    QString looksLike; // confusable: what the domain imitates

    // {field, position, length, code_point, name, class, text?, looks_like?}
    QJsonObject toJson() const;
    // "title holds U+202E RIGHT-TO-LEFT OVERRIDE at 14"
    QString message() const;
};

// How many findings of one class one field holds (all of them, not only those kept).
struct HiddenCount {
    QString field;
    HiddenClass cls;
    qsizetype count;
};

struct HiddenScan {
    QList<HiddenFinding> findings; // the first few of each field and class, in field order
    QList<HiddenCount> counts;
    qsizetype total = 0;

    bool isEmpty() const { return total == 0; }
    QJsonArray toJson(qsizetype max) const; // the first `max` findings
};

// Finds hidden text in every field an agent supplied (title, summary, target, every string and
// key of the payload, changes, diff, its own risk reasons): HiddenText for bidi, invisible,
// control and escape characters; ICU's spoof checker (uspoof_*) for confusable domains (a
// non-ASCII domain whose skeleton is plain ASCII, or an ASCII host whose skeleton is one of the
// company's domains) and for words mixing scripts beyond ICU's "highly restrictive" level.
// ICU runs only on text that is not plain ASCII, and on outside hosts.
class HiddenTextScanner
{
public:
    explicit HiddenTextScanner(const QStringList &internalDomains);
    ~HiddenTextScanner();
    HiddenTextScanner(const HiddenTextScanner &) = delete;
    HiddenTextScanner &operator=(const HiddenTextScanner &) = delete;

    // When every key and string of the payload is plain printable ASCII (with \n and \t) the
    // caller says so and passes its recipient and URL fields (top-level keys to, cc, bcc, from,
    // reply_to, recipients, url, host, remote, endpoint, webhook): the payload is not walked.
    struct PlainPayload {
        struct HostField {
            QString path; // "payload.to[1]"
            QString key;  // "to"
            QString value;
            QStringList hosts; // the domains of its addresses, or its URL's host
        };
        QList<HostField> hostFields;
        static bool isHostKey(QStringView key);
        static bool isRecipientKey(QStringView key);
    };
    HiddenScan scan(const RiskInput &input, const PlainPayload *plain = nullptr) const;
    // The Unicode name (ICU u_charName), the control alias for controls: "RIGHT-TO-LEFT
    // OVERRIDE", "ESCAPE".
    static QString charName(char32_t codePoint);
    // Which company domain an (ASCII) outside host imitates, if any: its ICU skeleton equals a
    // domain's skeleton ("examp1e.com" imitates "example.com").
    QString imitatedDomain(const QString &host) const;
    // The plain ASCII look-alike of a non-ASCII domain ("pаypal.com" gives "paypal.com"), or
    // empty if it has letters with no ASCII look-alike.
    QString asciiLookAlike(const QString &domain) const;

    class FieldScan;

    // ICU's skeleton of `text` (uspoof_getSkeleton, UTS #39): what its look-alikes map to; empty
    // when ICU fails.
    static QString skeleton(const QString &text);

private:
    bool isRestricted(QStringView word) const; // passes ICU's restriction level

    USpoofChecker *m_spoof = nullptr;
    QStringList m_internalDomains;
    QStringList m_internalSkeletons;
};

} // namespace interlock
