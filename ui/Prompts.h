#pragma once

#include "SettingsDialog.h"

#include <QJsonObject>
#include <QString>
#include <optional>

class QWidget;

namespace interlock::ui {

// The console's modal questions, with a seam for tests: a queued answer is used instead of
// showing the dialog, so GUI tests never hang on a modal.
class Prompts
{
public:
    // Default button is `yes`: confirming is one Enter away.
    static bool confirm(QWidget *parent, const QString &title, const QString &text,
                        const QString &yes);
    // A required reason (empty answers are refused); nullopt when cancelled.
    static std::optional<QString> reason(QWidget *parent, const QString &title,
                                         const QString &label);

    // The Edit… dialog: the edited payload, or nullopt when cancelled.
    static std::optional<QJsonObject> edit(QWidget *parent, const QJsonObject &action);

    // Settings…: the server chosen, or nullopt when cancelled.
    static std::optional<ServerChoice> settings(QWidget *parent, const ServerChoice &current);

    static void setNextSettings(std::optional<ServerChoice> choice);
    static void setNextConfirm(bool answer);
    static void setNextEdit(std::optional<QJsonObject> payload);
    static void setNextReason(std::optional<QString> answer);
    static int shown(); // dialogs actually shown (tests check that none was)
    // The text of the last confirmation asked (shown or answered by setNextConfirm).
    static QString lastConfirmText();
};

} // namespace interlock::ui
