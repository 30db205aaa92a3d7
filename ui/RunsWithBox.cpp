#include "RunsWithBox.h"

#include "RevealedText.h"

#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QVBoxLayout>

namespace interlock::ui {

RunsWithBox::RunsWithBox(QWidget *parent)
    : QWidget(parent)
    , m_heading(new QLabel(this))
    , m_box(new QPlainTextEdit(this))
{
    m_heading->setTextFormat(Qt::PlainText);
    m_heading->setWordWrap(true);
    m_heading->setStyleSheet(QStringLiteral("QLabel { color: #b91c1c; font-weight: bold; }"));
    m_box->setReadOnly(true);
    m_box->setFocusPolicy(Qt::StrongFocus);
    m_box->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_box->setTabChangesFocus(true);
    m_box->setWordWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    m_box->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    layOutLeftToRight(m_box, m_box->document());
    m_box->setMaximumHeight(110);
    // Marked like nothing else on the page: a tinted box with a red bar down its left side.
    m_box->setStyleSheet(QStringLiteral("QPlainTextEdit { background: #fef3c7; color: #7c2d12; "
                                        "border: 1px solid #d97706; border-left: 5px solid "
                                        "#b91c1c; }"));
    m_heading->setBuddy(m_box);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 4, 0, 4);
    layout->setSpacing(2);
    layout->addWidget(m_heading);
    layout->addWidget(m_box);
    setSettings({});
}

void RunsWithBox::setSettings(const QStringList &settings)
{
    m_heading->setText(
        tr("⚠ Runs with %n setting(s) besides the command (environment, rights, sandbox, host, "
           "other fields): an approval runs them too",
           nullptr, int(settings.size())));
    m_box->setAccessibleName(tr("Runs with"));
    m_box->setAccessibleDescription(m_heading->text());
    RevealedText::fill(m_box->document(),
                       settings.isEmpty() ? QString()
                                          : settings.join(QLatin1Char('\n')) + QLatin1Char('\n'),
                       HiddenText::Lines::Multi);
    setVisible(!settings.isEmpty());
}

QString RunsWithBox::heading() const
{
    return m_heading->text();
}

QString RunsWithBox::text() const
{
    return m_box->toPlainText();
}

} // namespace interlock::ui
