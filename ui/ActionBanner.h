#pragma once

#include <QJsonObject>
#include <QWidget>

namespace interlock::ui {

class AgentTextLabel;

// The warnings above an action's detail (issue #15): "This action contains hidden characters"
// with the server's findings, and whether the changes shown are what will run (a red banner
// when the agent's diff does not match the payload).
class ActionBanner : public QWidget
{
    Q_OBJECT
public:
    explicit ActionBanner(QWidget *parent = nullptr);
    void setAction(const QJsonObject &action);
    void clear();

    bool hiddenShown() const;
    QString hiddenText() const;
    bool mismatchShown() const;
    QString mismatchText() const;
    // What the reviewer must know about the view itself, one paragraph each: an edit by another
    // reviewer, an agent's diff that shows part of the file, a claimed "before", a view nothing
    // could check. Hidden when empty.
    void setNotes(const QStringList &notes);
    bool notesShown() const;
    QString notesText() const;

private:
    QWidget *m_hidden;
    AgentTextLabel *m_hiddenText;
    QWidget *m_mismatch;
    AgentTextLabel *m_mismatchText;
    QWidget *m_notes;
    AgentTextLabel *m_notesText;
};

} // namespace interlock::ui
