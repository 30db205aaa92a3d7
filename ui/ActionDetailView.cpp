#include "ActionDetailView.h"

#include "ActionBanner.h"
#include "Labels.h"
#include "RevealedText.h"
#include "RunsWithBox.h"
#include "diff/DiffModel.h"
#include "diff/DiffView.h"

#include "core/CanonicalJson.h"
#include "core/PayloadView.h"

#include <QFontDatabase>
#include <QFormLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSet>
#include <QTabWidget>
#include <QVBoxLayout>

namespace interlock::ui {

namespace {
QLabel *plainLabel(QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setTextFormat(Qt::PlainText);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

QPlainTextEdit *plainBox(QWidget *parent, bool monospace)
{
    // Machine text copies without the console's layout marks (RevealedText::inStoredOrder).
    auto *box = monospace ? new MachineTextBox(parent) : new QPlainTextEdit(parent);
    box->setReadOnly(true);
    box->setWordWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    if (monospace) { // machine text (the payload's JSON): left to right whatever it holds
        box->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
        layOutLeftToRight(box, box->document());
    }
    return box;
}

// An MCP tool's arguments, one per line; multi-line text as an indented block, as it will be sent.
QString argumentLines(const QJsonObject &arguments)
{
    QStringList lines;
    for (auto it = arguments.begin(); it != arguments.end(); ++it) {
        const QJsonValue v = it.value();
        if (v.isString() && v.toString().contains(u'\n')) {
            lines.append(it.key() + QLatin1Char(':'));
            for (const QString &l : v.toString().split(u'\n'))
                lines.append(QStringLiteral("    ") + l);
        } else {
            lines.append(it.key() + QStringLiteral(": ") +
                         (v.isString()
                              ? v.toString()
                              : QString::fromUtf8(
                                    QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact))
                                    .mid(1)
                                    .chopped(1)));
        }
    }
    return lines.join(u'\n') + u'\n';
}

// What an MCP server claims about its tool (annotations): shown as claims, never as facts. A hint
// it does not claim is read the way the risk rules read it.
QString mcpClaims(const QJsonObject &payload)
{
    if (!payload.value(QStringLiteral("annotations")).isObject() ||
        payload.value(QStringLiteral("annotations")).toObject().isEmpty())
        return ActionDetailView::tr("Claimed by the server: nothing (taken as destructive and "
                                    "open world)");
    const QJsonObject a = payload.value(QStringLiteral("annotations")).toObject();
    const auto claim = [&a](const QString &hint, const QString &label, bool assumed) {
        const QJsonValue v = a.value(hint);
        if (!v.isBool())
            return ActionDetailView::tr("%1 not claimed (taken as %2)")
                .arg(label, assumed ? ActionDetailView::tr("yes") : ActionDetailView::tr("no"));
        return ActionDetailView::tr("%1 %2").arg(label, v.toBool() ? ActionDetailView::tr("yes")
                                                                   : ActionDetailView::tr("no"));
    };
    return ActionDetailView::tr("Claimed by the server, not verified: %1 · %2 · %3 · %4")
        .arg(claim(QStringLiteral("readOnlyHint"), ActionDetailView::tr("read-only"), false),
             claim(QStringLiteral("destructiveHint"), ActionDetailView::tr("destructive"), true),
             claim(QStringLiteral("idempotentHint"), ActionDetailView::tr("idempotent"), false),
             claim(QStringLiteral("openWorldHint"), ActionDetailView::tr("open world"), true));
}

QString grantLines(const QJsonArray &grants)
{
    QStringList lines;
    for (const QJsonValue &g : grants) {
        const QJsonObject o = g.toObject();
        lines.append(QStringLiteral("%1  %2").arg(o.value(QStringLiteral("principal")).toString(),
                                                  o.value(QStringLiteral("access")).toString()));
    }
    lines.sort();
    return lines.join(u'\n') + u'\n';
}
} // namespace

// What stands out before the diff: who gains access, or where a message goes.
static QString exposureOf(const QString &kind, const QJsonObject &p)
{
    if (kind == QLatin1String("acl.change")) {
        QSet<QString> before;
        for (const QString &l : grantLines(p.value(QStringLiteral("grants_before")).toArray())
                                    .split(u'\n', Qt::SkipEmptyParts))
            before.insert(l);
        QStringList gains;
        for (const QString &l : grantLines(p.value(QStringLiteral("grants_after")).toArray())
                                    .split(u'\n', Qt::SkipEmptyParts)) {
            if (!before.contains(l))
                gains.append(l.simplified());
        }
        return gains.isEmpty()
                   ? ActionDetailView::tr("Nobody gains access.")
                   : ActionDetailView::tr("Gains access: %1").arg(gains.join(QStringLiteral(", ")));
    }
    if (kind == QLatin1String("mcp.tool_call")) {
        return ActionDetailView::tr("MCP server %1 · tool %2")
                   .arg(p.value(QStringLiteral("server")).toString(),
                        p.value(QStringLiteral("tool")).toString()) +
               u'\n' + mcpClaims(p);
    }
    if (kind == QLatin1String("message.post")) {
        const QString visibility = p.value(QStringLiteral("visibility")).toString();
        const QString channel = p.value(QStringLiteral("channel")).toString();
        if (visibility == QLatin1String("public"))
            return ActionDetailView::tr("PUBLIC post to %1: anyone can read it").arg(channel);
        return ActionDetailView::tr("%1 post to %2").arg(visibility, channel);
    }
    return {};
}

namespace {} // namespace

ActionDetailView::ActionDetailView(QWidget *parent)
    : QWidget(parent)
    , m_title(new AgentTextLabel(3, this))
    , m_meta(new AgentTextLabel(3, this))
    , m_risk(plainLabel(this))
    , m_reasons(new AgentTextLabel(8, this))
    , m_banner(new ActionBanner(this))
    , m_summary(plainBox(this, false))
    , m_exposure(new AgentTextLabel(3, this))
    , m_runsWith(new RunsWithBox(this))
    , m_payload(plainBox(this, true))
    , m_tabs(new QTabWidget(this))
    , m_diff(new DiffView(this))
    , m_agentDiff(new DiffView(this))
    , m_original(plainBox(this, true))
{
    QFont big = m_title->font();
    big.setPointSizeF(big.pointSizeF() * 1.3);
    big.setBold(true);
    m_title->setFont(big);
    m_risk->setMargin(4);
    for (AgentTextLabel *machine : {m_meta, m_exposure}) // kind, target; what runs where
        layOutLeftToRight(machine, machine->document());
    m_summary->setMaximumHeight(90);

    auto *form = new QFormLayout;
    form->addRow(tr("Risk"), m_risk);
    form->addRow(tr("Why"), m_reasons);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_title);
    layout->addWidget(m_meta);
    layout->addWidget(m_banner);
    layout->addLayout(form);
    layout->addWidget(new QLabel(tr("Summary"), this));
    layout->addWidget(m_summary);
    QFont bold = m_exposure->font();
    bold.setBold(true);
    m_exposure->setFont(bold);
    layout->addWidget(m_exposure);
    layout->addWidget(m_runsWith);
    m_tabs->addTab(m_diff, tr("Changes"));
    m_agentDiff->hide();
    m_original->hide();
    m_tabs->addTab(m_payload, tr("Payload (what the agent will run)"));
    layout->addWidget(m_tabs, 5);
    clear();
}

void ActionDetailView::clear()
{
    m_id.clear();
    m_title->setOwnText(tr("Select an action"));
    for (AgentTextLabel *l : {m_meta, m_reasons, m_exposure})
        l->setOwnText({});
    m_risk->clear();
    m_banner->clear();
    m_exposure->hide();
    m_runsWith->setSettings({});
    m_risk->setStyleSheet({});
    for (QPlainTextEdit *e : {m_summary, m_payload, m_original})
        e->clear();
    m_diff->clear();
    clearDecisionView();
}

void ActionDetailView::clearDecisionView()
{
    m_payloadHash.clear();
    m_diffHash.clear();
    m_agentHash.clear();
    for (QWidget *extra : {static_cast<QWidget *>(m_agentDiff), static_cast<QWidget *>(m_original)})
        if (const int tab = m_tabs->indexOf(extra); tab >= 0)
            m_tabs->removeTab(tab);
    setDiffTab(tr("Changes"));
    m_tabs->setTabText(m_tabs->indexOf(m_payload), tr("Payload (what the agent will run)"));
}

void ActionDetailView::showLoading(const ActionQueueModel::Row &row)
{
    showHeader(
        QJsonObject{{QStringLiteral("id"), row.id},
                    {QStringLiteral("title"), row.title},
                    {QStringLiteral("kind"), row.kind},
                    {QStringLiteral("agent"), row.agent},
                    {QStringLiteral("session_id"), row.session},
                    {QStringLiteral("target"), row.target},
                    {QStringLiteral("status"), row.status},
                    {QStringLiteral("summary"), row.tip},
                    {QStringLiteral("risk"), QJsonObject{{QStringLiteral("score"), row.score},
                                                         {QStringLiteral("level"), row.level}}}});
    m_reasons->setOwnText(tr("Loading…"));
    m_banner->clear();
    m_payload->setPlainText(tr("Loading the payload from the server…"));
    m_exposure->hide();
    m_runsWith->setSettings({});
    m_diff->clear();
    clearDecisionView();
    m_tabs->setCurrentWidget(m_payload);
}

void ActionDetailView::showUnavailable(const QString &message)
{
    m_reasons->setOwnText({});
    m_payload->setPlainText(tr("The full action could not be loaded: %1").arg(message));
    m_tabs->setCurrentWidget(m_payload);
}

void ActionDetailView::show(const QJsonObject &a)
{
    clearDecisionView();
    showHeader(a);
    m_banner->setAction(a);
    // What an approval would run: the approved payload after an earlier edit, else the payload.
    // The reviewer sees that one: its JSON, its view, its risk (issue #15, F6 of the UI red team).
    const bool edited = a.contains(QStringLiteral("approved_payload"));
    const QJsonValue runs =
        a.value(edited ? QStringLiteral("approved_payload") : QStringLiteral("payload"));
    m_payloadHash = QString::fromLatin1(sha256Hex(canonicalJson(runs)));
    RevealedText::fill(
        m_payload->document(),
        QString::fromUtf8(QJsonDocument(runs.toObject()).toJson(QJsonDocument::Indented)),
        HiddenText::Lines::Layout);
    QStringList notes;
    if (edited) {
        RevealedText::fill(
            m_original->document(),
            QString::fromUtf8(QJsonDocument(a.value(QStringLiteral("payload")).toObject())
                                  .toJson(QJsonDocument::Indented)),
            HiddenText::Lines::Layout);
        m_tabs->addTab(m_original, tr("Agent's original"));
        m_tabs->setTabText(m_tabs->indexOf(m_payload), tr("Payload (as edited: what will run)"));
        const QJsonObject agentRisk = a.value(QStringLiteral("risk")).toObject();
        notes.append(
            tr("EDITED by %1: an approval runs their edit, not what the agent asked "
               "for. The risk above is the edit's (the agent's original: %2 · %3). The "
               "agent's payload is in the tab \"Agent's original\".")
                .arg(editorOf(a),
                     Labels::level(agentRisk.value(QStringLiteral("level")).toString()).toUpper())
                .arg(agentRisk.value(QStringLiteral("score")).toInt()));
    }
    showChanges(a, runs.toObject(), edited, &notes);
    m_banner->setNotes(notes);
}

// Who made the edit an approval would run: the first approval after it (an edit drops the others).
QString ActionDetailView::editorOf(const QJsonObject &a)
{
    const QJsonArray approvals = a.value(QStringLiteral("approvals")).toArray();
    const QString by = approvals.isEmpty()
                           ? QString()
                           : approvals.first().toObject().value(QStringLiteral("by")).toString();
    return by.isEmpty() ? tr("another reviewer") : by;
}

// The status, and who decided it: a person, the policy, or "grant grt_… (made by NAME)".
QString ActionDetailView::decidedText(const QJsonObject &a)
{
    const QString status = Labels::status(a.value(QStringLiteral("status")).toString());
    const QString by =
        a.value(QStringLiteral("decision")).toObject().value(QStringLiteral("by")).toString();
    return by.isEmpty() ? status : tr("%1 by: %2").arg(status, by);
}

// Title, who and where, the risk badge and reasons, the summary: all a queue row also knows.
void ActionDetailView::showHeader(const QJsonObject &a)
{
    m_id = a.value(QStringLiteral("id")).toString();
    m_title->setAgentText(a.value(QStringLiteral("title")).toString(), HiddenText::Lines::Single,
                          RevealedText::marks(a, QStringLiteral("title")));
    m_meta->setAgentText(tr("%1 · %2 · session %3 · target %4 · %5")
                             .arg(a.value(QStringLiteral("kind")).toString(),
                                  a.value(QStringLiteral("agent")).toString(),
                                  a.value(QStringLiteral("session_id")).toString(),
                                  a.value(QStringLiteral("target")).toString(), decidedText(a)));
    // (the target's look-alike marks need its position in this line: the banner lists them)
    // After an edit, the risk of the edited payload: that is what an approval runs.
    const bool edited = a.value(QStringLiteral("approved_risk")).isObject();
    const QJsonObject risk =
        a.value(edited ? QStringLiteral("approved_risk") : QStringLiteral("risk")).toObject();
    const QString level = risk.value(QStringLiteral("level")).toString();
    const QString badge = QStringLiteral("%1 · %2")
                              .arg(Labels::level(level).toUpper())
                              .arg(risk.value(QStringLiteral("score")).toInt());
    m_risk->setText(edited ? tr("%1 (of the edited payload)").arg(badge) : badge);
    m_risk->setStyleSheet(
        QStringLiteral(
            "QLabel { background: %1; color: white; font-weight: bold; border-radius: 4px; }")
            .arg(Labels::levelColor(level).name()));
    QStringList reasons;
    for (const QJsonValue &v : risk.value(QStringLiteral("reasons")).toArray()) {
        const QJsonObject r = v.toObject();
        reasons.append(QStringLiteral("+%1  %2")
                           .arg(r.value(QStringLiteral("weight")).toInt())
                           .arg(r.value(QStringLiteral("message")).toString()));
    }
    m_reasons->setAgentText(reasons.join(QLatin1Char('\n')), HiddenText::Lines::Multi);
    RevealedText::fill(m_summary->document(), a.value(QStringLiteral("summary")).toString(),
                       HiddenText::Lines::Multi, RevealedText::marks(a, QStringLiteral("summary")));
}

void ActionDetailView::showChanges(const QJsonObject &a, const QJsonObject &p, bool edited,
                                   QStringList *notes)
{
    const QString kind = a.value(QStringLiteral("kind")).toString();
    const QString exposure = exposureOf(kind, p);
    const bool mcp = kind == QLatin1String("mcp.tool_call");
    // A read-only claim is still a claim, but nothing to shout about.
    const bool calm =
        exposure.startsWith(tr("Nobody")) || (mcp && p.value(QStringLiteral("annotations"))
                                                         .toObject()
                                                         .value(QStringLiteral("readOnlyHint"))
                                                         .toBool());
    m_exposure->setAgentText(exposure, mcp ? HiddenText::Lines::Multi : HiddenText::Lines::Single);
    m_exposure->setStyleSheet(
        calm ? QStringLiteral("QTextEdit { background: transparent; }")
             : QStringLiteral("QTextEdit { background: transparent; color: #b91c1c; }"));
    m_exposure->setVisible(!exposure.isEmpty());
    // Everything else the command runs with: the diff tab shows it too, and its view hash covers
    // it; this box keeps it in sight whichever tab is open.
    const QStringList settings = PayloadView::runsWith(kind, p);
    m_runsWith->setSettings(settings);
    const QJsonArray agentChanges = a.value(QStringLiteral("changes")).toArray();
    const bool agentView = a.value(QStringLiteral("diff")).isString() || !agentChanges.isEmpty();
    const QJsonObject check = a.value(QStringLiteral("view_check")).toObject();
    const QString status = check.value(QStringLiteral("status")).toString();
    // After an edit the view is derived from the edited payload, whatever the agent showed.
    const bool checked = edited || status == QLatin1String("derived") ||
                         status == QLatin1String("matches") ||
                         status == QLatin1String("mismatch") || status == QLatin1String("partial");
    bool openPayload = false;
    // The agent's own view: its diff (if any) is what the diff view shows, else its changes.
    const QString agentHash =
        a.value(QStringLiteral("diff")).isString()
            ? PayloadView::viewSha256(a.value(QStringLiteral("diff")).toString())
            : PayloadView::viewSha256(agentChanges);
    const QString derivedHash = PayloadView::viewSha256(PayloadView::derivedChanges(kind, p));
    const int agentTab = m_tabs->indexOf(m_agentDiff);
    if (agentTab >= 0)
        m_tabs->removeTab(agentTab);
    m_agentHash.clear();
    if (kind == QLatin1String("acl.change")) {
        // The "before" is the agent's claim; what runs is grants_after.
        m_diff->setTexts(tr("grants on %1 (before: as claimed by the agent)")
                             .arg(p.value(QStringLiteral("resource")).toString()),
                         grantLines(p.value(QStringLiteral("grants_before")).toArray()),
                         grantLines(p.value(QStringLiteral("grants_after")).toArray()));
        m_diffHash = derivedHash;
        setDiffTab(tr("Grants (from the payload; before: claimed by the agent)"));
    } else if (kind == QLatin1String("message.post")) {
        m_diff->setTexts(tr("message to %1").arg(p.value(QStringLiteral("channel")).toString()),
                         QString(), p.value(QStringLiteral("text")).toString());
        m_diffHash = derivedHash;
        setDiffTab(tr("Message (from the payload)"));
    } else if (mcp) {
        const QString arguments = argumentLines(p.value(QStringLiteral("arguments")).toObject());
        m_diff->setTexts(tr("arguments of %1 (MCP server %2)")
                             .arg(p.value(QStringLiteral("tool")).toString(),
                                  p.value(QStringLiteral("server")).toString()),
                         QString(), arguments);
        m_diffHash = PayloadView::viewSha256(arguments);
        setDiffTab(tr("Arguments (from the payload)"));
    } else if (checked && PayloadView::isDerivable(kind)) {
        // What you see is what runs: the view derived from the payload first, the agent's second.
        // A claimed "before" makes a file write readable as a diff, but it is the agent's word:
        // every line that will be written is shown, so none can hide as unchanged context.
        bool claimedBefore = false;
        const QJsonArray changes = withClaimedBefore(kind, PayloadView::derivedChanges(kind, p),
                                                     agentChanges, &claimedBefore);
        m_diff->setAction(QJsonObject{{QStringLiteral("changes"), changes}}, claimedBefore);
        m_diffHash = derivedHash;
        const QString what = edited ? tr("What will run (as edited)") : tr("What will run");
        if (claimedBefore) {
            setDiffTab(tr("%1 (before: claimed)").arg(what),
                       tr("The new content is the payload's, every line of it. The \"before\" it "
                          "is compared with is the agent's claim of what the file holds now: a "
                          "line drawn as unchanged may be new."));
            notes->append(tr("Before: claimed by the agent. Lines drawn as unchanged are the "
                             "agent's claim of what the file holds now; they will be written "
                             "too, as they are shown."));
        } else {
            setDiffTab(edited ? what : tr("What will run (from the payload)"));
        }
        // The agent's view is of its own payload: after an edit it shows something else.
        if (agentView && !edited) {
            m_agentDiff->setAction(a);
            m_agentHash = agentHash;
            QString label = tr("Agent's diff (matches the payload)");
            if (status == QLatin1String("mismatch")) {
                label = tr("Agent's diff (does NOT match what will run)");
            } else if (!settings.isEmpty()) {
                label = tr("Agent's diff (does NOT show what the command runs with)");
            } else if (status == QLatin1String("derived")) {
                label = tr("Agent's diff (its own: not what will run)");
            } else if (status == QLatin1String("partial")) {
                const int shown = check.value(QStringLiteral("shown_lines")).toInt();
                const int total = check.value(QStringLiteral("total_lines")).toInt();
                label = tr("Agent's diff (shows %1 of %2 written lines; the rest is not in it)")
                            .arg(shown)
                            .arg(total);
                notes->append(tr("The agent's diff shows only %1 of the %2 lines that will be "
                                 "written; the rest of the file is not in it. \"%3\" shows every "
                                 "line.")
                                  .arg(shown)
                                  .arg(total)
                                  .arg(m_tabs->tabText(m_tabs->indexOf(m_diff))));
            }
            m_tabs->insertTab(1, m_agentDiff, label);
        }
    } else {
        m_diff->setAction(a);
        m_diffHash = agentView ? agentHash : QString();
        setDiffTab(agentView ? tr("Agent's changes (not checked)") : tr("Changes"));
        // Nothing in the payload checks the agent's own view: the payload is what runs.
        if (agentView) {
            openPayload = true;
            notes->append(tr("Not checked: the changes in \"%1\" are the agent's own "
                             "description; nothing in a %2 payload can check them. What will "
                             "run is the payload, shown here.")
                              .arg(m_tabs->tabText(m_tabs->indexOf(m_diff)), kind));
        }
    }
    m_tabs->setCurrentIndex(0);
    if (openPayload || (m_diffHash.isEmpty() && !agentView))
        m_tabs->setCurrentWidget(m_payload);
}

void ActionDetailView::setDiffTab(const QString &label, const QString &toolTip)
{
    m_tabs->setTabText(m_tabs->indexOf(m_diff), label);
    m_tabs->setTabToolTip(m_tabs->indexOf(m_diff), toolTip);
}

// fs.write: the derived view has only the content that will be written; the agent's claimed
// "before" for the same path makes it a readable diff (the "after" is always the payload's). For a
// command, a statement or a message there is no "before": one claimed would draw what runs as
// unchanged.
QJsonArray ActionDetailView::withClaimedBefore(const QString &kind, QJsonArray derived,
                                               const QJsonArray &agentChanges, bool *used)
{
    *used = false;
    if (kind != QLatin1String("fs.write"))
        return derived;
    for (qsizetype i = 0; i < derived.size(); ++i) {
        QJsonObject d = derived.at(i).toObject();
        if (d.contains(QStringLiteral("before")))
            continue;
        for (const QJsonValue &v : agentChanges) {
            const QJsonObject c = v.toObject();
            // A claimed "before" so long that both sides pass the diff's line limit would cut
            // what will be written where the agent chose: then the content is shown alone.
            const QString before = c.value(QStringLiteral("before")).toString();
            const QString after = d.value(QStringLiteral("after")).toString();
            const bool fits = before.count(u'\n') + after.count(u'\n') + 2 <= DiffLimits().maxLines;
            if (c.value(QStringLiteral("path")) == d.value(QStringLiteral("path")) &&
                c.value(QStringLiteral("before")).isString() && fits) {
                d.insert(QStringLiteral("before"), c.value(QStringLiteral("before")));
                *used = true;
                break;
            }
        }
        derived[i] = d;
    }
    return derived;
}

QJsonObject ActionDetailView::seen() const
{
    QJsonObject seen{{QStringLiteral("payload_sha256"), m_payloadHash}};
    const QWidget *current = m_tabs->currentWidget();
    if (current == m_diff && !m_diffHash.isEmpty())
        seen.insert(QStringLiteral("view_sha256"), m_diffHash);
    else if (current == m_agentDiff && !m_agentHash.isEmpty())
        seen.insert(QStringLiteral("view_sha256"), m_agentHash);
    return seen;
}

QString ActionDetailView::tabText(int index) const
{
    return m_tabs->tabText(index);
}

QWidget *ActionDetailView::currentTab() const
{
    return m_tabs->currentWidget();
}

QString ActionDetailView::exposureText() const
{
    return m_exposure->text();
}

QString ActionDetailView::payloadText() const
{
    return RevealedText::withoutLayoutMarks(m_payload->toPlainText());
}

QString ActionDetailView::titleText() const
{
    return m_title->text();
}

QString ActionDetailView::metaText() const
{
    return m_meta->text();
}

QString ActionDetailView::reasonsText() const
{
    return m_reasons->text();
}

QString ActionDetailView::summaryText() const
{
    return m_summary->toPlainText();
}

QString ActionDetailView::riskText() const
{
    return m_risk->text();
}

} // namespace interlock::ui
