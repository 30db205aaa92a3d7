#pragma once

#include <QDialog>
#include <QJsonObject>
#include <QTimer>
#include <optional>

class QDialogButtonBox;
class QLabel;
class QPlainTextEdit;

namespace interlock::ui {

class DiffView;

// Edit… (E): the agent's payload as formatted JSON to change before approving. The text is
// checked as you type (a JSON object, or the line and column of the first error), and a diff
// shows your edit against the agent's version. "Approve edited" is enabled only for a valid,
// changed payload.
class EditDialog : public QDialog
{
    Q_OBJECT
public:
    EditDialog(const QJsonObject &action, QWidget *parent = nullptr);

    // A JSON object, or nullopt with `error` naming line and column.
    static std::optional<QJsonObject> parse(const QString &text, QString *error);
    static QString pretty(const QJsonObject &payload);
    // pretty() with every hidden character written as a JSON escape (\u202e): the same JSON,
    // nothing invisible in the editor.
    static QString editable(const QJsonObject &payload);

    QPlainTextEdit *editor() const { return m_editor; }
    QString statusText() const;
    bool canAccept() const;
    QJsonObject payload() const { return m_payload; }

private:
    void check();

    QJsonObject m_original;
    QJsonObject m_payload;
    QPlainTextEdit *m_editor;
    QLabel *m_status;
    DiffView *m_diff;
    QDialogButtonBox *m_buttons;
    QTimer m_diffTimer;
};

} // namespace interlock::ui
