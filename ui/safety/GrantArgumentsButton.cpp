#include "GrantArgumentsButton.h"

#include "core/HiddenText.h"

#include <QAction>
#include <QMenu>

namespace interlock::ui {

namespace {
constexpr qsizetype kShownName = 60;

QString shownName(const QString &name)
{
    const QString revealed = HiddenText::revealed(name, HiddenText::Lines::Single);
    return revealed.size() > kShownName ? revealed.left(kShownName - 1) + QChar(0x2026) : revealed;
}
} // namespace

GrantArgumentsButton::GrantArgumentsButton(QWidget *parent)
    : QToolButton(parent)
    , m_menu(new QMenu(this))
{
    setObjectName(QStringLiteral("grantArguments"));
    setPopupMode(QToolButton::InstantPopup);
    setMenu(m_menu);
    setVisible(false);
}

void GrantArgumentsButton::setAction(const QString &actionId, const QJsonObject &action)
{
    QStringList names;
    if (action.value(QStringLiteral("kind")).toString() == QLatin1String("mcp.tool_call"))
        names = action.value(QStringLiteral("payload"))
                    .toObject()
                    .value(QStringLiteral("arguments"))
                    .toObject()
                    .keys();
    if (actionId == m_actionId && names == m_names)
        return;
    m_actionId = actionId;
    m_names = names;
    m_menu->clear();
    const bool choosable = names.size() >= 2 && names.size() <= kMaxNames;
    m_choosable = choosable;
    for (const QString &name : std::as_const(names)) {
        if (!choosable)
            break;
        QAction *a = m_menu->addAction(shownName(name));
        a->setData(name);
        a->setCheckable(true);
        a->setChecked(true);
        connect(a, &QAction::toggled, this,
                [this, a](bool on) { setChosen(a->data().toString(), on); });
    }
    setEnabled(m_choosable && m_offered);
    setVisible(!names.isEmpty());
    setToolTip(choosable ? tr("Which arguments a repeat must have with the same values for the "
                              "grant to approve it; the others may differ")
               : names.size() > kMaxNames
                   ? tr("This call has more than %1 arguments: a repeat must have all of them "
                        "equal")
                         .arg(kMaxNames)
                   : tr("A repeat must have this argument equal"));
    updateText();
    Q_EMIT chosenChanged();
}

void GrantArgumentsButton::setOffered(bool offered)
{
    m_offered = offered;
    setEnabled(m_choosable && m_offered);
}

QStringList GrantArgumentsButton::chosen() const
{
    QStringList names;
    const QList<QAction *> actions = m_menu->actions();
    for (QAction *a : actions)
        if (a->isChecked())
            names.append(a->data().toString());
    return names.size() == actions.size() ? QStringList() : names;
}

void GrantArgumentsButton::setChosen(const QString &name, bool on)
{
    QAction *target = nullptr;
    int othersChecked = 0;
    const QList<QAction *> actions = m_menu->actions();
    for (QAction *a : actions) {
        if (a->data().toString() == name)
            target = a;
        else if (a->isChecked())
            ++othersChecked;
    }
    if (!target)
        return;
    {
        // The last checked name stays checked: a grant always compares something.
        const QSignalBlocker block(target);
        target->setChecked(on || othersChecked == 0);
    }
    updateText();
    Q_EMIT chosenChanged();
}

void GrantArgumentsButton::updateText()
{
    const qsizetype all = m_menu->actions().size();
    const QStringList names = chosen();
    if (all == 0)
        setText(tr("comparing every argument"));
    else if (names.isEmpty())
        setText(tr("comparing all %n argument(s)", nullptr, int(all)));
    else
        setText(tr("comparing %1 of %n argument(s)", nullptr, int(all)).arg(names.size()));
}

} // namespace interlock::ui
