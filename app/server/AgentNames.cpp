#include "AgentNames.h"

#include "HiddenTextScanner.h"
#include "Store.h"
#include "core/HiddenText.h"
#include "core/Identity.h"

namespace interlock {

namespace {
bool isSeparator(QChar c)
{
    return c.isSpace() || c.isPunct() || c.isSymbol();
}

QString skeletonOrSelf(const QString &text)
{
    const QString skeleton = HiddenTextScanner::skeleton(text);
    return skeleton.isEmpty() ? text : skeleton; // no skeleton: the text stands for itself
}
} // namespace

QString agentNameSkeleton(const QString &name)
{
    // What a reviewer reads past: accents (decomposed, the marks dropped), ICU's skeleton (letters
    // of other scripts, 1 and I for l, rn for m, 0 for O), case, and which punctuation separates
    // the words.
    if (name.isEmpty())
        return {};
    QString plain;
    for (const QChar c : name.normalized(QString::NormalizationForm_KD)) {
        if (c.category() != QChar::Mark_NonSpacing)
            plain += c;
    }
    // Twice: capitals that look like small letters (I like l) before folding, and what folding
    // makes of the rest after it.
    const QString folded = skeletonOrSelf(skeletonOrSelf(plain).toCaseFolded()).toCaseFolded();
    QString key;
    bool gap = false;
    for (const QChar c : folded) {
        if (isSeparator(c)) {
            gap = !key.isEmpty();
            continue;
        }
        if (gap)
            key += QLatin1Char('-');
        gap = false;
        key += c;
    }
    return key.isEmpty() ? folded : key; // a name of punctuation alone stands for itself
}

QString lookAlikeDifference(const QString &name, const QString &other)
{
    const QList<uint> theirs = other.toUcs4();
    QList<uint> own;
    QStringList parts;
    for (const uint c : name.toUcs4()) {
        if (theirs.contains(c) || own.contains(c))
            continue;
        own.append(c);
        if (parts.size() < 3)
            parts.append(QStringLiteral("%1 %2 %3")
                             .arg(QString::fromUcs4(reinterpret_cast<const char32_t *>(&c), 1),
                                  HiddenText::codePointLabel(c), HiddenTextScanner::charName(c)));
    }
    if (parts.isEmpty())
        return QStringLiteral("drawn alike");
    if (own.size() > parts.size())
        parts.append(QStringLiteral("%1 more").arg(own.size() - parts.size()));
    return parts.join(QStringLiteral(", "));
}

bool agentNameFreeFor(const AgentNameHolder &holder, const QString &agent, const QString &opener)
{
    return holder.agent == agent &&
           (holder.opener.isEmpty() || identityKey(holder.opener) == identityKey(opener));
}

} // namespace interlock
