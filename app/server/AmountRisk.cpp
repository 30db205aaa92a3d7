// The amount detector: money in a payment's fields, read however it is written (12500,
// "12.500,00", "USD 9,800", "1e30", {"value", "currency"}), against the rule's thresholds.
#include "RiskRules.h"

#include <QLocale>
#include <QRegularExpression>
#include <cmath>
#include <limits>

namespace interlock {

namespace {
using Rule = RiskEngine::Rule;

// One number as written: "12,500.00", "12.500,00", "12,5", "50'000", "50 000", "1.5e6".
double parseNumber(QString s)
{
    double exponent = 0;
    if (const qsizetype e = s.indexOf(u'e', 0, Qt::CaseInsensitive); e >= 0) {
        exponent = s.mid(e + 1).toDouble();
        s.truncate(e);
    }
    static const QRegularExpression grouping(QStringLiteral("['_ \\x{00A0}\\x{202F}]"));
    s.remove(grouping);
    const qsizetype dot = s.lastIndexOf(u'.'), comma = s.lastIndexOf(u',');
    if (dot >= 0 && comma >= 0) {
        const QChar decimal = dot > comma ? u'.' : u',';
        s.remove(decimal == u'.' ? u',' : u'.');
        s.replace(u',', u'.');
    } else if (comma >= 0) {
        // "12,500" is twelve thousand five hundred; "12,5" is twelve and a half.
        if (s.size() - comma - 1 == 3)
            s.remove(u',');
        else
            s.replace(u',', u'.');
    } else if (s.count(u'.') > 1 || (dot > 0 && s.size() - dot - 1 == 3 && !s.startsWith(u'0'))) {
        s.remove(u'.'); // "1.000.000" and "12.500" (EUR): groups, the larger reading
    }
    bool ok = false;
    const double d = s.toDouble(&ok);
    return ok ? d * std::pow(10.0, exponent) : std::nan("");
}

// 12500, "12,500.00", "12.500,00", "USD 9,800", "1e30", {"value": 12500, "currency": "EUR"}:
// the number (the largest, if the text holds several); nan if none.
double parseAmount(const QJsonValue &v, QString *currencyInText)
{
    if (v.isDouble())
        return v.toDouble();
    if (v.isObject()) { // {"value": 1000, "currency": "EUR"} (Adyen, PayPal)
        const QJsonObject o = v.toObject();
        if (const QString c = o.value(QStringLiteral("currency")).toString(); !c.isEmpty())
            *currencyInText = c.toUpper();
        // Every one of them: the largest counts, whichever of them the payment system reads.
        double largest = std::nan("");
        for (const char *key : {"value", "amount", "total"}) {
            if (const QJsonValue inner = o.value(QLatin1String(key)); !inner.isObject())
                if (const double d = std::abs(parseAmount(inner, currencyInText));
                    !(d <= largest) && !std::isnan(d))
                    largest = d;
        }
        return largest;
    }
    QString s = v.toString();
    static const QRegularExpression code(QStringLiteral("\\b([A-Z]{3})\\b"));
    if (const QRegularExpressionMatch m = code.match(s); m.hasMatch()) {
        *currencyInText = m.captured(1);
        s.remove(m.capturedStart(1), 3);
    }
    // Every digit read together, as a system dropping what is not a number would ("5 0000" is
    // 50000); and each number on its own. The larger reading counts.
    static const QRegularExpression notNumber(QStringLiteral("[^0-9.,]"));
    const double glued = std::abs(parseNumber(QString(s).remove(notNumber)));
    // A separator of thousands (' _ or a space) only before exactly three digits.
    static const QRegularExpression number(QStringLiteral(
        "\\d(?:[\\d.,]|['_ \\x{00A0}\\x{202F}](?=\\d{3}(?!\\d)))*(?:[eE][-+]?\\d+)?"));
    double largest = glued;
    for (QRegularExpressionMatchIterator it = number.globalMatch(s); it.hasNext();) {
        const double d = std::abs(parseNumber(it.next().captured()));
        if (!(d <= largest)) // the first, or a larger one; nan never replaces a number
            largest = std::isnan(d) ? largest : d;
    }
    return largest;
}

// A threshold count for an amount: past qint64 (9.2e18, or infinite) is the largest.
qint64 amountCount(double value)
{
    const double a = std::abs(value);
    return a < 9.0e18 ? qint64(a) : std::numeric_limits<qint64>::max();
}

} // namespace

QList<Finding> detectAmount(const Rule &rule, DetectorContext &c)
{
    // Every field the rule names, the largest amount counting: an agent cannot hide a large
    // "total" behind a small "amount" that happens to be read first.
    double value = std::nan("");
    QString currency;
    for (const QString &field : rule.fields) {
        const QJsonValue v = c.input.payload.value(field);
        if (!v.isDouble() && !v.isString() && !v.isObject())
            continue;
        QString fieldCurrency = c.input.payload.value(rule.currencyField).toString().toUpper();
        const double d = std::abs(parseAmount(v, &fieldCurrency));
        if (std::isnan(d) ||
            (fieldCurrency.isEmpty() && !rule.withoutCurrencyKinds.contains(c.input.kind)))
            continue;
        if (!(d <= value)) { // the first, or a larger one
            value = d;
            currency = fieldCurrency;
        }
    }
    if (std::isnan(value))
        return {};
    const int weight = thresholdWeight(rule.thresholds, amountCount(value));
    if (weight == 0)
        return {};
    const QLocale english(QLocale::English, QLocale::UnitedStates);
    const QString shown = value < 1e15
                              ? english.toString(value, 'f', value == std::floor(value) ? 0 : 2)
                              : QString::number(value, 'g', 3);
    return {{rule.id, weight,
             fillMessage(rule.message,
                         {{QLatin1String("amount"), shown},
                          {QLatin1String("currency"),
                           currency.isEmpty() ? QStringLiteral("(no currency given)") : currency}},
                         c.input.payload)}};
}

// A system or credential file a shell command sends to another machine (SentFiles).

} // namespace interlock
