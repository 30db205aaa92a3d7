// The hidden_text detector: a reason per hidden character found (up to a few per rule), naming
// the field, the position and the code point.
#include "HiddenTextScanner.h"
#include "RiskRules.h"

namespace interlock {

namespace {
constexpr int kReasonsPerRule = 5;

bool inFields(const QString &field, const QStringList &fields)
{
    for (const QString &f : fields) {
        if (field == f || (field.startsWith(f) && field.size() > f.size() &&
                           (field[f.size()] == u'.' || field[f.size()] == u'[')))
            return true;
    }
    return false;
}
} // namespace

QList<Finding> detectHidden(const RiskEngine::Rule &rule, DetectorContext &c)
{
    const HiddenScan &scan = c.facts.hidden();
    if (scan.isEmpty())
        return {};
    qsizetype count = 0;
    bool strong = false;
    for (const HiddenCount &h : scan.counts) {
        if (rule.classes.contains(h.cls)) {
            count += h.count;
            strong = strong || inFields(h.field, rule.strongFields);
        }
    }
    if (count == 0 || count < rule.minCount)
        return {};
    const int weight = strong && rule.strongWeight > 0 ? rule.strongWeight : rule.weight;
    if (rule.minCount > 0)
        return {{rule.id, weight,
                 fillMessage(rule.message, {{QLatin1String("count"), QString::number(count)}},
                             c.input.payload)}};
    // The reasons name findings in the strong fields first; the first carries the weight.
    QList<const HiddenFinding *> listed;
    for (int pass = 0; pass < 2; ++pass) {
        for (const HiddenFinding &f : scan.findings) {
            if (listed.size() == kReasonsPerRule)
                break;
            if (rule.classes.contains(f.cls) && inFields(f.field, rule.strongFields) == (pass == 0))
                listed.append(&f);
        }
    }
    QList<Finding> out;
    for (const HiddenFinding *f : std::as_const(listed))
        out.append({rule.id, out.isEmpty() ? weight : 0, f->message()});
    if (count > listed.size())
        out.append({rule.id, 0,
                    fillMessage(rule.message,
                                {{QLatin1String("count"), QString::number(count - listed.size())}},
                                c.input.payload)});
    return out;
}

} // namespace interlock
