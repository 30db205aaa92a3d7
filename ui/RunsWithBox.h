#pragma once

#include <QStringList>
#include <QWidget>

class QLabel;
class QPlainTextEdit;

namespace interlock::ui {

// What a command runs with besides its text (PayloadView::runsWith: environment, elevated rights,
// sandbox off, another host, fields Interlock does not know), under its own heading, marked, one
// setting a line with hidden characters revealed like all agent text. Hidden when there is none.
// Reached with Tab; its text can be selected and copied from the keyboard.
class RunsWithBox : public QWidget
{
    Q_OBJECT
public:
    explicit RunsWithBox(QWidget *parent = nullptr);
    void setSettings(const QStringList &settings);
    QString heading() const;
    QString text() const; // as shown (revealed)
    QPlainTextEdit *box() const { return m_box; }

private:
    QLabel *m_heading;
    QPlainTextEdit *m_box;
};

} // namespace interlock::ui
