#include "CtlCommon.h"
#include "HistoryGenerator.h"

namespace interlock::ctl {

int historyCommand(const QStringList &args)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(
        QStringLiteral("generate"),
        QStringLiteral("The only sub-command: write a synthetic history."));
    parser.addOption({QStringLiteral("db"), QStringLiteral("A new SQLite database file to write."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("actions"),
                      QStringLiteral("Decided actions to write (default 1000000)."),
                      QStringLiteral("N"), QStringLiteral("1000000")});
    parser.addOption({QStringLiteral("days"),
                      QStringLiteral("Days the history spans, ending now (default 365)."),
                      QStringLiteral("N"), QStringLiteral("365")});
    parser.addOption({QStringLiteral("pending"),
                      QStringLiteral("Of these, the N most recent stay pending (expiring in 30 "
                                     "days), for the console's queue benchmark (default 0)."),
                      QStringLiteral("N"), QStringLiteral("0")});
    parser.addOption({QStringLiteral("seed"),
                      QStringLiteral("Random seed; the same seed writes the same history "
                                     "(default 1)."),
                      QStringLiteral("N"), QStringLiteral("1")});
    int code = Ok;
    if (!parseArguments(
            parser, args,
            QStringLiteral("Writes a new database full of decided actions (24 agents, 8 "
                           "reviewers, 8 kinds of action; 62 % approved, 8 % edited, 18 % "
                           "rejected, 9 % expired, 3 % cancelled) through the server's own store, "
                           "so every action has its audit entries. For 'interlockctl bench "
                           "history' and for trying the History view: interlock --db FILE."),
            &code))
        return code;
    if (parser.positionalArguments().mid(1) != QStringList{QStringLiteral("generate")} ||
        !parser.isSet(QStringLiteral("db")))
        return fail(QStringLiteral("usage: interlockctl history generate --db FILE [--actions N] "
                                   "[--days N] [--pending N] [--seed N]"),
                    Usage);
    HistoryGeneratorOptions o;
    o.db = parser.value(QStringLiteral("db"));
    bool ok1 = false, ok2 = false, ok3 = false, ok4 = false;
    o.actions = parser.value(QStringLiteral("actions")).toInt(&ok1);
    o.days = parser.value(QStringLiteral("days")).toInt(&ok2);
    o.seed = parser.value(QStringLiteral("seed")).toUInt(&ok3);
    o.pending = parser.value(QStringLiteral("pending")).toInt(&ok4);
    if (!ok1 || !ok2 || !ok3 || !ok4 || o.actions < 1 || o.actions > 50'000'000 || o.days < 1 ||
        o.days > 3650 || o.pending < 0 || o.pending > o.actions)
        return fail(QStringLiteral("history generate: --actions must be 1-50000000, --days 1-3650, "
                                   "--pending 0 to --actions, --seed a whole number"),
                    Usage);
    return generateHistory(o);
}

} // namespace interlock::ctl
