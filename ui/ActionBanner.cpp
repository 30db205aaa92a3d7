#include "ActionBanner.h"

#include "RevealedText.h"

#include <QJsonArray>
#include <QVBoxLayout>

namespace interlock::ui {

namespace {
QWidget *box(QWidget *parent, const QString &name, const QString &style, AgentTextLabel **label,
             int maxLines = 6)
{
    auto *w = new QWidget(parent);
    w->setObjectName(name);
    w->setAttribute(Qt::WA_StyledBackground);
    w->setStyleSheet(QStringLiteral("#%1 { %2 border-radius: 4px; }").arg(name, style));
    auto *l = new QVBoxLayout(w);
    l->setContentsMargins(6, 4, 6, 4);
    *label = new AgentTextLabel(maxLines, w);
    l->addWidget(*label);
    w->hide();
    return w;
}
} // namespace

ActionBanner::ActionBanner(QWidget *parent)
    : QWidget(parent)
{
    m_hidden =
        box(this, QStringLiteral("hiddenBanner"),
            QStringLiteral("background: #fdf4ff; border: 2px solid #a21caf;"), &m_hiddenText);
    m_mismatch = box(this, QStringLiteral("mismatchBanner"), QStringLiteral("background: #b91c1c;"),
                     &m_mismatchText);
    m_mismatchText->setStyleSheet(
        QStringLiteral("QTextEdit { background: transparent; color: white; font-weight: bold; }"));
    m_notes =
        box(this, QStringLiteral("viewNotes"),
            QStringLiteral("background: #fef3c7; border: 2px solid #b45309;"), &m_notesText, 10);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_mismatch);
    layout->addWidget(m_notes);
    layout->addWidget(m_hidden);
    setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Maximum);
}

void ActionBanner::clear()
{
    m_hidden->hide();
    m_mismatch->hide();
    m_hiddenText->clear();
    m_mismatchText->clear();
    setNotes({});
}

void ActionBanner::setNotes(const QStringList &notes)
{
    // Our sentences, but they name reviewers and kinds: revealed like agent text.
    m_notesText->setAgentText(notes.join(u'\n'), HiddenText::Lines::Multi);
    m_notes->setVisible(!notes.isEmpty());
}

bool ActionBanner::notesShown() const
{
    return !m_notes->isHidden();
}

QString ActionBanner::notesText() const
{
    return m_notesText->text();
}

void ActionBanner::setAction(const QJsonObject &action)
{
    const QStringList findings = RevealedText::findings(action);
    if (findings.isEmpty()) {
        m_hidden->hide();
        m_hiddenText->clear();
    } else {
        m_hiddenText->setOwnText(tr("This action contains hidden characters: ") +
                                 findings.join(QStringLiteral("; ")));
        m_hidden->show();
    }
    const QJsonObject check = action.value(QStringLiteral("view_check")).toObject();
    if (check.value(QStringLiteral("status")).toString() == QLatin1String("mismatch")) {
        QStringList paths;
        for (const QJsonValue &p : check.value(QStringLiteral("paths")).toArray())
            paths.append(RevealedText::plain(p.toString()));
        m_mismatchText->setOwnText(
            tr("The diff supplied by the agent does not match what will run%1. The changes "
               "below are derived from the payload; the agent's diff is in its own tab.")
                .arg(paths.isEmpty()
                         ? QString()
                         : QStringLiteral(" (%1)").arg(paths.join(QStringLiteral(", ")))));
        m_mismatch->show();
    } else {
        m_mismatch->hide();
        m_mismatchText->clear();
    }
}

bool ActionBanner::hiddenShown() const
{
    return !m_hidden->isHidden();
}

QString ActionBanner::hiddenText() const
{
    return m_hiddenText->text();
}

bool ActionBanner::mismatchShown() const
{
    return !m_mismatch->isHidden();
}

QString ActionBanner::mismatchText() const
{
    return m_mismatchText->text();
}

} // namespace interlock::ui
