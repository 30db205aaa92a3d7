#pragma once

#include <QJsonObject>
#include <QStringList>
#include <QToolButton>

class QMenu;

namespace interlock::ui {

// The reviewer's choice of which arguments of an mcp.tool_call a standing grant compares (issue
// #16 §2, docs/safety.md): a menu of the call's argument names, all checked at first (every
// argument must be equal: the strictest), at least one always checked. Argument names are agent
// text: shown revealed, on one line, cut to a bounded length.
class GrantArgumentsButton : public QToolButton
{
    Q_OBJECT
public:
    explicit GrantArgumentsButton(QWidget *parent = nullptr);

    // Offers the argument names of `action` (a full mcp.tool_call action; empty: none). The same
    // action with the same names keeps the reviewer's choice; anything else starts from all.
    void setAction(const QString &actionId, const QJsonObject &action);
    QString actionId() const { return m_actionId; }
    // The names the grant compares; empty when all are chosen (the server then compares every
    // argument, including any a later call adds).
    QStringList chosen() const;
    // Checks or unchecks one name, as the menu does (the last checked one stays checked).
    void setChosen(const QString &name, bool on);
    // Enabled only while a grant is chosen beside it (and the call has names to choose from).
    void setOffered(bool offered);

    static constexpr int kMaxNames = 32; // the server's limit for match.arguments

Q_SIGNALS:
    void chosenChanged();

private:
    void updateText();

    QMenu *m_menu;
    QString m_actionId;
    QStringList m_names;
    bool m_choosable = false;
    bool m_offered = false;
};

} // namespace interlock::ui
