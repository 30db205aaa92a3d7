// The packages a shell command installs, scored: typosquats of popular names and installs from
// somewhere else than a registry (docs/risk-rules.md, detectors `typosquat`, `install_source`).
#include "Addresses.h"
#include "PackageInstalls.h"
#include "RiskRules.h"
#include "SmallStringSet.h"

namespace interlock {

namespace {
using Rule = RiskEngine::Rule;

QString shorten(const QString &s)
{
    const QString one = s.simplified();
    return one.size() > 80 ? one.left(79) + QChar(0x2026) : one;
}

// Edits between two names (optimal string alignment: a swap of neighbours is one), or
// `limit` + 1 once it is known to be more. Only the band of cells within `limit` of the diagonal
// is computed, on the stack: a name is compared with hundreds of popular ones.
int editDistance(QStringView a, QStringView b, int limit)
{
    constexpr qsizetype kLongest = 127;
    const qsizetype m = a.size(), n = b.size();
    const int over = limit + 1;
    if (qAbs(m - n) > limit || n > kLongest)
        return over;
    int rows[3][kLongest + 2];
    int *before = rows[2], *previous = rows[0], *current = rows[1];
    for (qsizetype j = 0; j <= n + 1 && j <= kLongest + 1; ++j)
        previous[j] = j <= limit ? int(j) : over;
    for (qsizetype i = 1; i <= m; ++i) {
        const qsizetype lo = qMax(qsizetype(1), i - limit), hi = qMin(n, i + limit);
        current[0] = i <= limit ? int(i) : over;
        current[lo - 1] = lo == 1 ? current[0] : over;
        int rowBest = current[lo - 1];
        for (qsizetype j = lo; j <= hi; ++j) {
            const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
            int d = qMin(qMin(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d = qMin(d, before[j - 2] + 1);
            current[j] = qMin(d, over);
            rowBest = qMin(rowBest, current[j]);
        }
        if (hi + 1 <= kLongest + 1)
            current[hi + 1] = over;
        if (rowBest > limit)
            return over;
        int *oldBefore = before;
        before = previous;
        previous = current;
        current = oldBefore;
    }
    return previous[n];
}

// A package name one edit from a popular name of 5 letters or more, or two from one of 8 or more,
// that is not itself popular: {package}, {popular}, {edits}, {tool}.
QList<Finding> typosquat(const Rule &rule, DetectorContext &c)
{
    // Each name costs a walk of the list: a line of thousands of names is not compared past the
    // 256th distinct one, and says so (fail closed) unless a typosquat was found before.
    constexpr int kMaxCompared = 256;
    SmallStringSet seen;
    int compared = 0;
    for (const PackageInstall &p : c.facts.packageInstalls()) {
        if (p.name.isEmpty() || seen.contains(p.name))
            continue;
        if (++compared > kMaxCompared)
            return {{rule.id + QStringLiteral(".unchecked"), rule.weight,
                     QStringLiteral("installs more than %1 packages in one command: the names "
                                    "after the first %1 were not compared with the popular ones")
                         .arg(kMaxCompared)}};
        seen.insert(p.name);
        const auto list = rule.popular->constFind(p.ecosystem);
        if (list == rule.popular->constEnd() || list->names.contains(p.name) || p.name.size() < 5)
            continue;
        // Inside one npm scope only its owner publishes: @types/nodee is no squat of
        // @types/node, @typse/node is.
        const QStringView scope = p.name.startsWith(u'@')
                                      ? QStringView(p.name).left(p.name.indexOf(u'/') + 1)
                                      : QStringView();
        QString nearest;
        int edits = 3;
        const qsizetype longest = list->byLength.size() - 1;
        for (qsizetype length = qMax(qsizetype(5), p.name.size() - 2);
             length <= qMin(longest, p.name.size() + 2); ++length) {
            for (const QString &popular : list->byLength[length]) {
                const int limit = popular.size() >= 8 ? 2 : 1;
                if (qAbs(popular.size() - p.name.size()) > limit ||
                    (!scope.isEmpty() && popular.startsWith(scope)))
                    continue;
                const int d = editDistance(p.name, popular, limit);
                if (d <= limit && d < edits) {
                    edits = d;
                    nearest = popular;
                }
            }
        }
        if (nearest.isEmpty())
            continue;
        return {{rule.id, rule.weight,
                 fillMessage(rule.message,
                             {{QLatin1String("package"), shorten(p.spec)},
                              {QLatin1String("popular"), nearest},
                              {QLatin1String("edits"), edits == 1 ? QStringLiteral("one letter")
                                                                  : QStringLiteral("two letters")},
                              {QLatin1String("tool"), p.tool}},
                             c.input.payload)}};
    }
    return {};
}

// Exactly one of the hosts (test.pypi.org, where anyone uploads, is not pypi.org).
bool isTrustedHost(const QString &host, const QStringList &trusted)
{
    return trusted.contains(host);
}

// A package installed from a URL, a git repository or another index than the public registry
// (not one of the company's hosts, nor a `trusted_hosts` one): {package}, {source}, {tool}.
QList<Finding> installSource(const Rule &rule, DetectorContext &c)
{
    for (const PackageInstall &p : c.facts.packageInstalls()) {
        if (p.source.isEmpty() || (!p.sourceHost.isEmpty() &&
                                   (Addresses::isInternalHost(p.sourceHost, c.internalDomains) ||
                                    isTrustedHost(p.sourceHost, rule.trustedHosts))))
            continue;
        return {
            {rule.id, rule.weight,
             fillMessage(rule.message,
                         {{QLatin1String("package"), shorten(p.name.isEmpty() ? p.spec : p.name)},
                          {QLatin1String("source"), shorten(p.source)},
                          {QLatin1String("tool"), p.tool}},
                         c.input.payload)}};
    }
    return {};
}
} // namespace

QList<Finding> detectInstall(const Rule &rule, DetectorContext &c)
{
    return rule.detector == Rule::Detector::Typosquat ? typosquat(rule, c) : installSource(rule, c);
}

} // namespace interlock
