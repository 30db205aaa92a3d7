#include "Identity.h"

#include <QList>

namespace interlock {

namespace {
// Default_Ignorable_Code_Point (Unicode's DerivedCoreProperties) that are not of category Cf,
// plus the blank fillers that render as nothing.
bool isInvisible(char32_t c)
{
    if (QChar::category(c) == QChar::Other_Format || QChar::category(c) == QChar::Other_Control)
        return true;
    return c == 0x034F || c == 0x115F || c == 0x1160 || c == 0x17B4 || c == 0x17B5 ||
           (c >= 0x180B && c <= 0x180F) || c == 0x3164 || (c >= 0xFE00 && c <= 0xFE0F) ||
           c == 0xFFA0 || c == 0x2800 || (c >= 0xE0000 && c <= 0xE0FFF);
}

QString withoutInvisible(const QString &text)
{
    QString out;
    out.reserve(text.size());
    for (const char32_t c : text.toUcs4()) {
        if (isInvisible(c))
            continue;
        if (QChar::requiresSurrogates(c)) {
            out.append(QChar(QChar::highSurrogate(c)));
            out.append(QChar(QChar::lowSurrogate(c)));
        } else {
            out.append(QChar(char16_t(c)));
        }
    }
    return out;
}
} // namespace

QString displayName(const QString &name)
{
    // Compatibility forms first (full-width letters, no-break and other odd spaces), so that
    // what they turn into is cleaned too; then once more, since a removed joiner can bring a
    // letter and its combining mark together.
    QString text = withoutInvisible(name.normalized(QString::NormalizationForm_KC));
    text = text.normalized(QString::NormalizationForm_KC);
    return text.simplified();
}

QString identityKey(const QString &name)
{
    // Upper case first: its full mapping turns ß into SS (toCaseFolded alone maps one
    // character to one), then folded, so "Straße" and "STRASSE" are one name.
    return displayName(name).toUpper().toCaseFolded().normalized(QString::NormalizationForm_KC);
}

} // namespace interlock
