#include "PersonalData.h"

#include "FastRegex.h"
#include "SmallStringSet.h"

#include <QSet>

namespace interlock {

namespace {
QString digitsOf(const QString &s)
{
    QString out;
    for (const QChar c : s) {
        if (c.isDigit())
            out += c;
    }
    return out;
}

QString plural(int n, const char *one, const char *many)
{
    return QStringLiteral("%1 %2").arg(n).arg(QLatin1String(n == 1 ? one : many));
}

bool validDni(const QString &number, QChar letter)
{
    static const QString letters = QStringLiteral("TRWAGMYFPDXBNJZSQVHLCKE");
    return letters.at(int(number.toLongLong() % 23)) == letter;
}
} // namespace

bool PersonalData::isValidIban(const QString &iban)
{
    QString s = iban;
    s.remove(u' ');
    if (s.size() < 15 || s.size() > 34)
        return false;
    const QString moved = s.mid(4) + s.left(4);
    int remainder = 0;
    for (const QChar c : moved) {
        int value;
        if (c >= u'0' && c <= u'9')
            value = c.unicode() - u'0';
        else if (c >= u'A' && c <= u'Z')
            value = c.unicode() - u'A' + 10;
        else
            return false;
        remainder = value >= 10 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97;
    }
    return remainder == 1;
}

bool PersonalData::passesLuhn(const QString &digits)
{
    int sum = 0;
    bool doubled = false;
    for (qsizetype i = digits.size() - 1; i >= 0; --i) {
        int d = digits[i].unicode() - u'0';
        if (doubled) {
            d *= 2;
            if (d > 9)
                d -= 9;
        }
        sum += d;
        doubled = !doubled;
    }
    return sum % 10 == 0;
}

PersonalData PersonalData::find(const QStringList &texts, const QStringList &ignore)
{
    static const FastRegex email(QStringLiteral("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}"));
    static const FastRegex phone(QStringLiteral(
        "(?<![\\w+])(?:\\+\\d{1,3}(?:[ .-]?\\(?\\d{1,5}\\)?){2,5}|\\(\\d{3}\\) ?\\d{3}[ .-]\\d{4}|"
        "\\d{3}[.-]\\d{3}[.-]\\d{4})(?![\\w])"));
    static const FastRegex ssn(
        QStringLiteral("\\b(?!000|666|9\\d\\d)\\d{3}-(?!00)\\d{2}-(?!0000)\\d{4}\\b"));
    static const FastRegex nino(QStringLiteral(
        "\\b(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\\d{2} ?\\d{2} ?\\d{2} ?"
        "[A-D]\\b"));
    static const FastRegex dni(QStringLiteral("\\b(\\d{8})-?([A-HJ-NP-TV-Z])\\b"));
    static const FastRegex iban(
        QStringLiteral("\\b[A-Z]{2}\\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\\b"));
    static const FastRegex card(QStringLiteral("(?<![\\d-])[3-6]\\d(?:[ -]?\\d){11,17}(?![\\d])"));

    SmallStringSet emails, phones, ids, ibans, skip;
    QSet<QString> cards;
    for (const QString &i : ignore)
        skip.insert(i.toLower());
    // Calls `found` for each match of `re` in `text`.
    const auto each = [](const FastRegex &re, const QString &text, const auto &found) {
        for (qsizetype from = 0;;) {
            const FastRegex::Match m = re.search(text, from);
            if (!m)
                return;
            found(m);
            from = m.end() > from ? m.end() : from + 1;
        }
    };
    for (const QString &text : texts) {
        if (text.size() < 7)
            continue;
        // What the text holds at all decides which expressions can match.
        int digits = 0, upper = 0;
        bool at = false, plus = false, paren = false, dash = false;
        for (const QChar c : text) {
            const char16_t u = c.unicode();
            if (u >= u'0' && u <= u'9')
                ++digits;
            else if (u >= u'A' && u <= u'Z')
                ++upper;
            else if (u == u'@')
                at = true;
            else if (u == u'+')
                plus = true;
            else if (u == u'(')
                paren = true;
            else if (u == u'-' || u == u'.')
                dash = true;
        }
        if (at) {
            each(email, text, [&](const FastRegex::Match &m) {
                const QString e = m.text(text).toLower();
                if (!skip.contains(e))
                    emails.insert(e);
            });
        }
        if (digits >= 8 && (plus || paren || dash)) {
            each(phone, text, [&](const FastRegex::Match &m) {
                const QString d = digitsOf(m.text(text));
                if (d.size() >= 8 && d.size() <= 15)
                    phones.insert(d);
            });
        }
        if (digits >= 9 && dash)
            each(ssn, text, [&](const FastRegex::Match &m) { ids.insert(m.text(text)); });
        if (digits >= 6 && upper >= 3)
            each(nino, text,
                 [&](const FastRegex::Match &m) { ids.insert(m.text(text).remove(u' ')); });
        if (digits >= 8 && upper >= 1) {
            each(dni, text, [&](const FastRegex::Match &m) {
                if (validDni(m.group(text, 1), m.group(text, 2).at(0)))
                    ids.insert(m.group(text, 1));
            });
        }
        if (digits >= 2 && upper >= 2) {
            each(iban, text, [&](const FastRegex::Match &m) {
                const QString candidate = m.text(text);
                if (isValidIban(candidate))
                    ibans.insert(QString(candidate).remove(u' '));
            });
        }
        if (digits >= 13) {
            each(card, text, [&](const FastRegex::Match &m) {
                const QString d = digitsOf(m.text(text));
                if (d.size() >= 13 && d.size() <= 19 && passesLuhn(d))
                    cards.insert(d);
            });
        }
    }
    // A card number is never also a phone number.
    for (const QString &c : std::as_const(cards))
        phones.remove(c);
    PersonalData out;
    out.emails = int(emails.size());
    out.phones = int(phones.size());
    out.nationalIds = int(ids.size());
    out.ibans = int(ibans.size());
    out.cards = int(cards.size());
    return out;
}

QString PersonalData::describe(const QStringList &kinds) const
{
    QStringList parts;
    if (kinds.contains(QLatin1String("contacts"))) {
        if (emails)
            parts.append(plural(emails, "e-mail address", "e-mail addresses"));
        if (phones)
            parts.append(plural(phones, "phone number", "phone numbers"));
    }
    if (kinds.contains(QLatin1String("ids"))) {
        if (nationalIds)
            parts.append(
                plural(nationalIds, "national identity number", "national identity numbers"));
        if (cards)
            parts.append(plural(cards, "payment card number", "payment card numbers"));
    }
    if (kinds.contains(QLatin1String("iban")) && ibans)
        parts.append(plural(ibans, "IBAN", "IBANs"));
    return parts.join(QStringLiteral(", "));
}

} // namespace interlock
