#include "Prompts.h"

#include "EditDialog.h"

#include <QInputDialog>
#include <QMessageBox>
#include <QPushButton>

namespace interlock::ui {

namespace {
std::optional<bool> g_nextConfirm;
std::optional<std::optional<QString>> g_nextReason;
std::optional<std::optional<QJsonObject>> g_nextEdit;
std::optional<std::optional<ServerChoice>> g_nextSettings;
int g_shown = 0;
QString g_lastConfirm;
} // namespace

bool Prompts::confirm(QWidget *parent, const QString &title, const QString &text,
                      const QString &yes)
{
    g_lastConfirm = text;
    if (g_nextConfirm)
        return *std::exchange(g_nextConfirm, std::nullopt);
    ++g_shown;
    QMessageBox box(QMessageBox::Warning, title, text, QMessageBox::NoButton, parent);
    box.setTextFormat(Qt::PlainText);
    QPushButton *yesButton = box.addButton(yes, QMessageBox::DestructiveRole);
    box.addButton(QMessageBox::Cancel);
    box.setDefaultButton(yesButton);
    box.exec();
    return box.clickedButton() == yesButton;
}

std::optional<QString> Prompts::reason(QWidget *parent, const QString &title, const QString &label)
{
    if (g_nextReason)
        return *std::exchange(g_nextReason, std::nullopt);
    ++g_shown;
    for (;;) {
        bool ok = false;
        const QString text = QInputDialog::getMultiLineText(parent, title, label, {}, &ok);
        if (!ok)
            return std::nullopt;
        if (!text.trimmed().isEmpty())
            return text.trimmed();
    }
}

std::optional<QJsonObject> Prompts::edit(QWidget *parent, const QJsonObject &action)
{
    if (g_nextEdit)
        return *std::exchange(g_nextEdit, std::nullopt);
    ++g_shown;
    EditDialog dialog(action, parent);
    if (dialog.exec() != QDialog::Accepted)
        return std::nullopt;
    return dialog.payload();
}

std::optional<ServerChoice> Prompts::settings(QWidget *parent, const ServerChoice &current)
{
    if (g_nextSettings)
        return *std::exchange(g_nextSettings, std::nullopt);
    ++g_shown;
    SettingsDialog dialog(current, parent);
    if (dialog.exec() != QDialog::Accepted)
        return std::nullopt;
    return dialog.choice();
}

void Prompts::setNextSettings(std::optional<ServerChoice> choice)
{
    g_nextSettings = std::move(choice);
}

void Prompts::setNextEdit(std::optional<QJsonObject> payload)
{
    g_nextEdit = std::move(payload);
}

void Prompts::setNextConfirm(bool answer)
{
    g_nextConfirm = answer;
}

void Prompts::setNextReason(std::optional<QString> answer)
{
    g_nextReason = std::move(answer);
}

int Prompts::shown()
{
    return g_shown;
}

QString Prompts::lastConfirmText()
{
    return g_lastConfirm;
}

} // namespace interlock::ui
