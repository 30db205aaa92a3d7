#pragma once

#include <QColor>
#include <QCoreApplication>
#include <QString>

namespace interlock::ui {

// Words the server sends as identifiers (risk levels, statuses), in the console's language.
class Labels
{
    Q_DECLARE_TR_FUNCTIONS(Labels)
public:
    static QString level(const QString &level);
    static QString status(const QString &status);
    // The risk level's colour, the same in the queue and in the detail's badge.
    static QColor levelColor(const QString &level);
};

} // namespace interlock::ui
