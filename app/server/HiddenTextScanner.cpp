#include "HiddenTextScanner.h"

#include "Addresses.h"
#include "RiskEngine.h"
#include "SmallStringSet.h"

#include <QHash>
#include <QRegularExpression>
#include <QSet>

#include <string_view>

#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/uspoof.h>

namespace interlock {

namespace {
constexpr int kKeptPerFieldAndClass = 5;
constexpr int kMaxKept = 200;
constexpr qsizetype kMaxRunQuoted = 40; // a right-to-left run longer than this is not quoted

// Names of the C0 and C1 controls (Unicode NameAliases.txt): ICU's u_charName has none.
const char *controlName(char32_t c)
{
    static const char *const c0[] = {"NULL",
                                     "START OF HEADING",
                                     "START OF TEXT",
                                     "END OF TEXT",
                                     "END OF TRANSMISSION",
                                     "ENQUIRY",
                                     "ACKNOWLEDGE",
                                     "ALERT",
                                     "BACKSPACE",
                                     "CHARACTER TABULATION",
                                     "LINE FEED",
                                     "LINE TABULATION",
                                     "FORM FEED",
                                     "CARRIAGE RETURN",
                                     "SHIFT OUT",
                                     "SHIFT IN",
                                     "DATA LINK ESCAPE",
                                     "DEVICE CONTROL ONE",
                                     "DEVICE CONTROL TWO",
                                     "DEVICE CONTROL THREE",
                                     "DEVICE CONTROL FOUR",
                                     "NEGATIVE ACKNOWLEDGE",
                                     "SYNCHRONOUS IDLE",
                                     "END OF TRANSMISSION BLOCK",
                                     "CANCEL",
                                     "END OF MEDIUM",
                                     "SUBSTITUTE",
                                     "ESCAPE",
                                     "INFORMATION SEPARATOR FOUR",
                                     "INFORMATION SEPARATOR THREE",
                                     "INFORMATION SEPARATOR TWO",
                                     "INFORMATION SEPARATOR ONE"};
    static const char *const c1[] = {"PADDING CHARACTER",
                                     "HIGH OCTET PRESET",
                                     "BREAK PERMITTED HERE",
                                     "NO BREAK HERE",
                                     "INDEX",
                                     "NEXT LINE",
                                     "START OF SELECTED AREA",
                                     "END OF SELECTED AREA",
                                     "CHARACTER TABULATION SET",
                                     "CHARACTER TABULATION WITH JUSTIFICATION",
                                     "LINE TABULATION SET",
                                     "PARTIAL LINE FORWARD",
                                     "PARTIAL LINE BACKWARD",
                                     "REVERSE LINE FEED",
                                     "SINGLE SHIFT TWO",
                                     "SINGLE SHIFT THREE",
                                     "DEVICE CONTROL STRING",
                                     "PRIVATE USE ONE",
                                     "PRIVATE USE TWO",
                                     "SET TRANSMIT STATE",
                                     "CANCEL CHARACTER",
                                     "MESSAGE WAITING",
                                     "START OF GUARDED AREA",
                                     "END OF GUARDED AREA",
                                     "START OF STRING",
                                     "SINGLE GRAPHIC CHARACTER INTRODUCER",
                                     "SINGLE CHARACTER INTRODUCER",
                                     "CONTROL SEQUENCE INTRODUCER",
                                     "STRING TERMINATOR",
                                     "OPERATING SYSTEM COMMAND",
                                     "PRIVACY MESSAGE",
                                     "APPLICATION PROGRAM COMMAND"};
    if (c < 0x20)
        return c0[c];
    if (c == 0x7F)
        return "DELETE";
    if (c >= 0x80 && c <= 0x9F)
        return c1[c - 0x80];
    return nullptr;
}

const UChar *utf16(QStringView s)
{
    return reinterpret_cast<const UChar *>(s.utf16());
}

// Plain printable ASCII (with \n and \t in multi-line text, no long run of blanks): nothing
// to find.
bool isPlainAscii(QStringView t, bool multi)
{
    return HiddenText::isPlainAscii(t,
                                    multi ? HiddenText::Lines::Multi : HiddenText::Lines::Single);
}

bool hasNonAscii(QStringView t)
{
    for (const QChar ch : t) {
        if (ch.unicode() >= 0x80)
            return true;
    }
    return false;
}

bool isRecipientKey(QStringView key)
{
    return key == u"to" || key == u"cc" || key == u"bcc" || key == u"from" || key == u"reply_to" ||
           key == u"recipients";
}

bool isUrlKey(QStringView key)
{
    return key == u"url" || key == u"host" || key == u"remote" || key == u"endpoint" ||
           key == u"webhook";
}

// Top-level payload fields a program reads rather than a person: right-to-left letters in them
// reorder what the reviewer sees. Prose fields (a message, a body, a subject) and names people
// give (recipients' display names, channels, mailboxes, principals) may well be Hebrew or Arabic.
bool isMachineKey(QStringView key)
{
    static constexpr std::u16string_view kKeys[] = {
        u"command",  u"cwd",    u"statement", u"path",    u"paths",    u"url",
        u"host",     u"remote", u"endpoint",  u"webhook", u"resource", u"branch",
        u"database", u"method", u"server",    u"tool"};
    for (const std::u16string_view k : kKeys) {
        if (key == QStringView(k.data(), qsizetype(k.size())))
            return true;
    }
    return false;
}

} // namespace

bool HiddenTextScanner::PlainPayload::isHostKey(QStringView key)
{
    return isRecipientKey(key) || isUrlKey(key);
}

bool HiddenTextScanner::PlainPayload::isRecipientKey(QStringView key)
{
    return interlock::isRecipientKey(key);
}

namespace {
// A field path built only when something is found: parent chain of keys and indexes.
struct PathNode {
    const PathNode *parent = nullptr;
    QStringView key; // object key, or empty for an array index
    qsizetype index = -1;

    QString render() const
    {
        QString head = parent ? parent->render() : QString();
        if (index >= 0)
            return head + QLatin1Char('[') + QString::number(index) + QLatin1Char(']');
        const QString k = HiddenText::revealed(key, HiddenText::Lines::Single);
        return head.isEmpty() ? k : head + QLatin1Char('.') + k;
    }
};
} // namespace

QString HiddenTextScanner::charName(char32_t codePoint)
{
    if (const char *control = controlName(codePoint))
        return QString::fromLatin1(control);
    char buffer[128];
    UErrorCode status = U_ZERO_ERROR;
    const int32_t n = u_charName(UChar32(codePoint), U_UNICODE_CHAR_NAME, buffer,
                                 int32_t(sizeof buffer), &status);
    if (U_SUCCESS(status) && n > 0)
        return QString::fromLatin1(buffer, n);
    status = U_ZERO_ERROR;
    const int32_t e = u_charName(UChar32(codePoint), U_EXTENDED_CHAR_NAME, buffer,
                                 int32_t(sizeof buffer), &status);
    return U_SUCCESS(status) ? QString::fromLatin1(buffer, e) : QString();
}

QJsonObject HiddenFinding::toJson() const
{
    // A copy of this with its values replaced, in the keys' sorted order: no key is looked up or
    // inserted (scoring builds one per finding).
    static const QJsonObject kTemplate{
        {QStringLiteral("class"), QString()}, {QStringLiteral("code_point"), QString()},
        {QStringLiteral("field"), QString()}, {QStringLiteral("length"), 0},
        {QStringLiteral("name"), QString()},  {QStringLiteral("position"), 0}};
    QJsonObject o = kTemplate;
    auto value = o.begin();
    *value = HiddenText::className(cls);
    *++value = HiddenText::codePointLabel(codePoint);
    *++value = field;
    *++value = double(length);
    *++value = HiddenTextScanner::charName(codePoint);
    *++value = double(position);
    if (!subject.isEmpty())
        o.insert(QStringLiteral("text"), subject);
    if (!looksLike.isEmpty())
        o.insert(QStringLiteral("looks_like"), looksLike);
    return o;
}

QString HiddenFinding::message() const
{
    if (cls == HiddenClass::BlankRun)
        return QStringLiteral("%1 holds a run of %2 blanks (%3 %4) at %5 that pushes the rest of "
                              "its line out of sight")
            .arg(field)
            .arg(length)
            .arg(HiddenText::codePointLabel(codePoint), HiddenTextScanner::charName(codePoint))
            .arg(position);
    if (cls == HiddenClass::RightToLeft)
        return QStringLiteral("%1 holds right-to-left letters (%2 %3) at %4, which reorder the "
                              "text around them on screen")
            .arg(field, HiddenText::codePointLabel(codePoint),
                 HiddenTextScanner::charName(codePoint))
            .arg(position);
    QString m = QStringLiteral("%1 holds %2 %3 at %4")
                    .arg(field, HiddenText::codePointLabel(codePoint),
                         HiddenTextScanner::charName(codePoint))
                    .arg(position);
    if (cls == HiddenClass::Escape && length > 1)
        m += QStringLiteral(" (a terminal escape sequence of %1 characters)").arg(length);
    if (cls == HiddenClass::Confusable && !subject.isEmpty())
        m += QStringLiteral(": %1 looks like %2").arg(subject, looksLike);
    else if (cls == HiddenClass::Confusable) // a mathematical letter: its compatibility form
        m += QStringLiteral(", which looks like \"%1\"")
                 .arg(QString::fromUcs4(&codePoint, 1).normalized(QString::NormalizationForm_KC));
    if (cls == HiddenClass::Marks && length > 1)
        m += QStringLiteral(" (a stack of %1 combining marks)").arg(length);
    if (cls == HiddenClass::MixedScript)
        m += QStringLiteral(", mixing scripts in \"%1\"").arg(subject);
    return m;
}

QJsonArray HiddenScan::toJson(qsizetype max) const
{
    QJsonArray out;
    for (qsizetype i = 0; i < findings.size() && i < max; ++i)
        out.append(findings[i].toJson());
    return out;
}

// Scans one action's fields into a HiddenScan.
class HiddenTextScanner::FieldScan
{
public:
    FieldScan(const HiddenTextScanner &scanner, HiddenScan &out)
        : m_scanner(scanner)
        , m_out(out)
    {}

    void text(QStringView t, HiddenText::Lines lines, const PathNode &path, bool hostField,
              bool machine = false)
    {
        const bool multi = lines != HiddenText::Lines::Single;
        const bool plain = isPlainAscii(t, multi);
        if (hostField)
            hosts(t, path.key.isEmpty() && path.parent ? path.parent->key : path.key, path);
        if (plain)
            return;
        QString field; // rendered once, on the first finding
        HiddenText::forEach(t, lines, [&](const HiddenChar &h) {
            add(field, path, HiddenFinding{{}, h.position, h.length, h.codePoint, h.cls, {}, {}});
            return true;
        });
        if (machine) {
            HiddenText::forEachRightToLeft(t, [&](qsizetype at, qsizetype length, char32_t first) {
                add(field, path,
                    HiddenFinding{{},
                                  at,
                                  length,
                                  first,
                                  HiddenClass::RightToLeft,
                                  length <= kMaxRunQuoted ? t.mid(at, length).toString()
                                                          : QString(),
                                  {}});
                return true;
            });
        }
        if (hasNonAscii(t))
            scripts(t, path, field);
    }

    void value(const QJsonValue &v, const PathNode &path, bool hostField, bool machine = false)
    {
        if (v.isString()) {
            text(v.toString(), HiddenText::Lines::Multi, path, hostField, machine);
        } else if (v.isArray()) {
            const QJsonArray a = v.toArray();
            for (qsizetype i = 0; i < a.size(); ++i)
                value(a.at(i), PathNode{&path, {}, i}, hostField, machine);
        } else if (v.isObject()) {
            const QJsonObject o = v.toObject();
            for (auto it = o.constBegin(); it != o.constEnd(); ++it) {
                const QString key = it.key();
                const PathNode child{&path, key, -1};
                if (!isPlainAscii(key, false)) {
                    QString field;
                    HiddenText::forEach(key, HiddenText::Lines::Single, [&](const HiddenChar &h) {
                        add(field, child,
                            HiddenFinding{{}, h.position, h.length, h.codePoint, h.cls, {}, {}});
                        return true;
                    });
                }
                // Hosts are looked at in the payload's own top-level fields.
                const bool top = path.parent == nullptr;
                const bool hosty = top && (isRecipientKey(key) || isUrlKey(key));
                value(it.value(), child, hosty, machine || (top && isMachineKey(key)));
            }
        }
    }

private:
    void add(QString &field, const PathNode &path, HiddenFinding f)
    {
        if (field.isEmpty())
            field = path.render();
        ++m_out.total;
        for (HiddenCount &c : m_out.counts) {
            if (c.cls == f.cls && c.field == field) {
                if (c.count++ < kKeptPerFieldAndClass && m_out.findings.size() < kMaxKept) {
                    f.field = field;
                    m_out.findings.append(f);
                }
                return;
            }
        }
        m_out.counts.append(HiddenCount{field, f.cls, 1});
        if (m_out.findings.size() < kMaxKept) {
            f.field = field;
            m_out.findings.append(f);
        }
    }

    // Confusable domains, then words that mix scripts outside them.
    void scripts(QStringView t, const PathNode &path, QString &field)
    {
        // Labels are matched possessively and a name starts only where no letter, digit or
        // hyphen is before it: the engine never backtracks into a label nor starts again inside
        // one. The pattern before (labels as [x-]*x, from any position) backtracked over a long
        // word with no dot: one 300,000-letter word held the API thread for minutes (found by a
        // review).
        static const QRegularExpression domain(QStringLiteral(
            "(?<![\\p{L}\\p{M}\\p{N}-])[\\p{L}\\p{M}\\p{N}]++(?:-++[\\p{L}\\p{M}\\p{N}]++)*+"
            "(?:\\.[\\p{L}\\p{M}\\p{N}]++(?:-++[\\p{L}\\p{M}\\p{N}]++)*+)+"));
        static const QRegularExpression word(QStringLiteral("[\\p{L}\\p{M}\\p{N}]+"));
        const QString s = t.toString();
        QList<std::pair<qsizetype, qsizetype>> covered;
        for (auto it = domain.globalMatch(s); it.hasNext();) {
            const QRegularExpressionMatch m = it.next();
            const QString d = m.captured(0);
            if (!hasNonAscii(d))
                continue;
            const QString ascii = m_scanner.asciiLookAlike(d);
            if (ascii.isEmpty() || ascii == d)
                continue;
            covered.append({m.capturedStart(0), m.capturedEnd(0)});
            for (qsizetype i = 0; i < d.size(); ++i) {
                if (d[i].unicode() < 0x80)
                    continue;
                const bool pair = d[i].isHighSurrogate() && i + 1 < d.size();
                const char32_t cp = pair ? QChar::surrogateToUcs4(d[i], d[i + 1]) : d[i].unicode();
                add(field, path,
                    HiddenFinding{{},
                                  m.capturedStart(0) + i,
                                  pair ? 2 : 1,
                                  cp,
                                  HiddenClass::Confusable,
                                  d,
                                  ascii});
                if (pair)
                    ++i;
            }
        }
        // Words and domains both come in order: one pass over each (looking through every
        // domain for each word made 30,000 look-alike recipients take 17 s).
        qsizetype next = 0;
        for (auto it = word.globalMatch(s); it.hasNext();) {
            const QRegularExpressionMatch m = it.next();
            const QStringView w = QStringView(s).mid(m.capturedStart(0), m.capturedLength(0));
            if (!hasNonAscii(w) || m_scanner.isRestricted(w))
                continue;
            while (next < covered.size() && covered[next].second <= m.capturedStart(0))
                ++next;
            const bool inDomain = next < covered.size() &&
                                  m.capturedStart(0) >= covered[next].first &&
                                  m.capturedEnd(0) <= covered[next].second;
            if (!inDomain)
                oddScripts(w, m.capturedStart(0), path, field);
        }
    }

    // The letters of a word that are not in its main script.
    void oddScripts(QStringView w, qsizetype offset, const PathNode &path, QString &field)
    {
        QHash<int, int> perScript;
        QList<std::tuple<qsizetype, qsizetype, char32_t, int>> letters;
        for (qsizetype i = 0; i < w.size();) {
            const bool pair = w[i].isHighSurrogate() && i + 1 < w.size();
            const char32_t cp = pair ? QChar::surrogateToUcs4(w[i], w[i + 1]) : w[i].unicode();
            UErrorCode status = U_ZERO_ERROR;
            const int script = uscript_getScript(UChar32(cp), &status);
            if (script != USCRIPT_COMMON && script != USCRIPT_INHERITED) {
                ++perScript[script];
                letters.append({i, pair ? 2 : 1, cp, script});
            }
            i += pair ? 2 : 1;
        }
        int main = -1, best = 0;
        for (auto it = perScript.cbegin(); it != perScript.cend(); ++it) {
            if (it.value() > best || (it.value() == best && it.key() == USCRIPT_LATIN)) {
                best = it.value();
                main = it.key();
            }
        }
        for (const auto &[at, len, cp, script] : letters) {
            if (script != main)
                add(field, path,
                    HiddenFinding{
                        {}, offset + at, len, cp, HiddenClass::MixedScript, w.toString(), {}});
        }
    }

public:
    // Outside ASCII hosts whose skeleton is a company domain's (examp1e.com). `key`: the
    // top-level payload key (recipient keys hold address lists, others a URL or host).
    void hosts(QStringView t, QStringView key, const PathNode &path,
               const QStringList *parsed = nullptr)
    {
        const QString s = t.toString();
        QStringList found;
        if (parsed) {
            found = *parsed;
        } else if (isRecipientKey(key)) {
            for (const QString &r : Addresses::recipients(s))
                found.append(Addresses::domainOf(r));
        } else {
            found.append(Addresses::urlHost(s));
        }
        QString field;
        SmallStringSet seen;
        qsizetype from = 0; // the hosts mostly come in the order they stand in `s`
        int searched = 0;
        for (const QString &host : std::as_const(found)) {
            if (!seen.insert(host))
                continue;
            if (host.isEmpty() || hasNonAscii(host) ||
                Addresses::isInternalHost(host, m_scanner.m_internalDomains))
                continue;
            const QString imitated = m_scanner.imitatedDomain(host);
            if (imitated.isEmpty())
                continue;
            // From where the last one was found: searching from the start made 30,000 look-alike
            // recipients take 17 s. Hosts out of that order cost a search to the end each, and
            // the position only places a finding's mark, of which a field keeps a few: the first
            // few are searched, the rest marked at the field's start (24,000 out of order took
            // 7.4 s).
            const qsizetype at = searched++ < kKeptPerFieldAndClass
                                     ? s.indexOf(host, from, Qt::CaseInsensitive)
                                     : -1;
            if (at >= 0)
                from = at + host.size();
            qsizetype diff = 0;
            const QString tail = host.right(imitated.size());
            while (diff < tail.size() && tail[diff] == imitated[diff])
                ++diff;
            const qsizetype pos = qMax<qsizetype>(at, 0) +
                                  qMax<qsizetype>(0, host.size() - imitated.size()) +
                                  (diff < tail.size() ? diff : 0);
            add(field, path,
                HiddenFinding{{},
                              pos,
                              1,
                              pos < s.size() ? char32_t(s[pos].unicode()) : 0,
                              HiddenClass::Confusable,
                              host,
                              imitated});
        }
    }

private:
    const HiddenTextScanner &m_scanner;
    HiddenScan &m_out;
};

HiddenTextScanner::HiddenTextScanner(const QStringList &internalDomains)
    : m_internalDomains(internalDomains)
{
    UErrorCode status = U_ZERO_ERROR;
    m_spoof = uspoof_open(&status);
    uspoof_setChecks(m_spoof, USPOOF_RESTRICTION_LEVEL | USPOOF_MIXED_NUMBERS, &status);
    uspoof_setRestrictionLevel(m_spoof, USPOOF_HIGHLY_RESTRICTIVE);
    if (U_FAILURE(status))
        qFatal("ICU spoof checker: %s", u_errorName(status));
    for (const QString &d : internalDomains) {
        if (d.contains(QLatin1Char('.'))) // a bare "corp" imitates nothing worth a reason
            m_internalSkeletons.append(skeleton(d.toLower()));
        else
            m_internalSkeletons.append(QString());
    }
}

HiddenTextScanner::~HiddenTextScanner()
{
    uspoof_close(m_spoof);
}

QString HiddenTextScanner::skeleton(const QString &text)
{
    // A skeleton does not depend on the checks a checker is configured for; ICU's checking
    // functions may be called from several threads on one configured checker.
    static const USpoofChecker *const spoof = [] {
        UErrorCode status = U_ZERO_ERROR;
        USpoofChecker *checker = uspoof_open(&status);
        if (U_FAILURE(status))
            qFatal("ICU spoof checker: %s", u_errorName(status));
        return checker;
    }();
    UChar buffer[256];
    UErrorCode status = U_ZERO_ERROR;
    const int32_t n = uspoof_getSkeleton(spoof, 0, utf16(text), int32_t(text.size()), buffer,
                                         int32_t(std::size(buffer)), &status);
    if (status == U_BUFFER_OVERFLOW_ERROR) {
        QString big(n, Qt::Uninitialized);
        status = U_ZERO_ERROR;
        uspoof_getSkeleton(spoof, 0, utf16(text), int32_t(text.size()),
                           reinterpret_cast<UChar *>(big.data()), n, &status);
        return U_SUCCESS(status) ? big : QString();
    }
    return U_SUCCESS(status) ? QString(reinterpret_cast<const QChar *>(buffer), n) : QString();
}

bool HiddenTextScanner::isRestricted(QStringView word) const
{
    UErrorCode status = U_ZERO_ERROR;
    const int32_t failed =
        uspoof_check2(m_spoof, utf16(word), int32_t(word.size()), nullptr, &status);
    return U_SUCCESS(status) && failed == 0;
}

QString HiddenTextScanner::asciiLookAlike(const QString &domain) const
{
    QString out;
    for (qsizetype i = 0; i < domain.size(); ++i) {
        const QChar c = domain[i];
        if (c.unicode() < 0x80) {
            out += c;
            continue;
        }
        const qsizetype len = c.isHighSurrogate() && i + 1 < domain.size() ? 2 : 1;
        const QString s = skeleton(domain.mid(i, len));
        if (s.isEmpty() || hasNonAscii(s))
            return {};
        out += s;
        i += len - 1;
    }
    return out.toLower();
}

QString HiddenTextScanner::imitatedDomain(const QString &host) const
{
    // A look-alike has about the length of what it imitates (in as many labels): only then is
    // the skeleton worth computing.
    const QString h = host.toLower();
    bool close = false;
    for (qsizetype i = 0; i < m_internalDomains.size() && !close; ++i) {
        const QString &domain = m_internalDomains[i];
        if (m_internalSkeletons[i].isEmpty())
            continue;
        const qsizetype labels = domain.count(QLatin1Char('.')) + 1;
        if (h.count(QLatin1Char('.')) + 1 < labels)
            continue;
        qsizetype from = h.size();
        for (qsizetype n = 0; n < labels && from > 0; ++n)
            from = h.lastIndexOf(QLatin1Char('.'), from - 1);
        const qsizetype suffix = h.size() - (from < 0 ? 0 : from + 1);
        close = qAbs(suffix - domain.size()) <= 3;
    }
    if (!close)
        return {};
    const QString mine = skeleton(h);
    for (qsizetype i = 0; i < m_internalDomains.size(); ++i) {
        const QString &theirs = m_internalSkeletons[i];
        if (!theirs.isEmpty() && (mine == theirs || mine.endsWith(QLatin1Char('.') + theirs)))
            return m_internalDomains[i];
    }
    return {};
}

HiddenScan HiddenTextScanner::scan(const RiskInput &in, const PlainPayload *plain) const
{
    HiddenScan out;
    FieldScan s(*this, out);
    using L = HiddenText::Lines;
    static const QString kTitle = QStringLiteral("title"), kSummary = QStringLiteral("summary"),
                         kTarget = QStringLiteral("target"), kPayload = QStringLiteral("payload"),
                         kChanges = QStringLiteral("changes"), kDiff = QStringLiteral("diff"),
                         kReasons = QStringLiteral("risk.reasons"), kPath = QStringLiteral("path"),
                         kBefore = QStringLiteral("before"), kAfter = QStringLiteral("after"),
                         kLanguage = QStringLiteral("language");
    s.text(in.title, L::Single, PathNode{nullptr, kTitle, -1}, false);
    s.text(in.summary, L::Multi, PathNode{nullptr, kSummary, -1}, false);
    s.text(in.target, L::Single, PathNode{nullptr, kTarget, -1}, true, true);
    const PathNode payload{nullptr, kPayload, -1};
    if (plain) {
        // Nothing to find in the payload but look-alike hosts.
        for (const PlainPayload::HostField &h : plain->hostFields)
            s.hosts(h.value, h.key, PathNode{nullptr, h.path, -1}, &h.hosts);
    } else {
        s.value(in.payload, payload, false);
    }
    const PathNode changes{nullptr, kChanges, -1};
    for (qsizetype i = 0; i < in.changes.size(); ++i) {
        const PathNode item{&changes, {}, i};
        const QJsonObject c = in.changes.at(i).toObject();
        s.text(c.value(kPath).toString(), L::Single, PathNode{&item, kPath, -1}, false, true);
        s.text(c.value(kLanguage).toString(), L::Single, PathNode{&item, kLanguage, -1}, false);
        s.text(c.value(kBefore).toString(), L::Multi, PathNode{&item, kBefore, -1}, false);
        s.text(c.value(kAfter).toString(), L::Multi, PathNode{&item, kAfter, -1}, false);
    }
    if (in.diff)
        s.text(*in.diff, L::Multi, PathNode{nullptr, kDiff, -1}, false);
    const PathNode reasons{nullptr, kReasons, -1};
    for (qsizetype i = 0; i < in.agentReasons.size(); ++i)
        s.text(in.agentReasons[i], L::Single, PathNode{&reasons, {}, i}, false);
    return out;
}

} // namespace interlock
