#pragma once

#include <QObject>

class QLocalServer;

namespace interlock::ui {

// interlock://action/ID links (webhook messages carry them; the .desktop file registers the
// console for x-scheme-handler/interlock). A console started with a link hands it to the console
// already running for this user, if there is one, through a local socket in the user's runtime
// folder; else it opens the link itself.
class DeepLink : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    ~DeepLink() override;

    // The action id of "interlock://action/ID"; empty when `link` is anything else.
    static QString actionId(const QString &link);
    // The local socket of the running console (per user, in the runtime folder).
    static QString defaultName();
    // Gives `link` to a running console; true when one took it.
    static bool forward(const QString &link, const QString &name = defaultName(),
                        int timeoutMs = 2000);
    // Takes links from later starts (emits actionRequested); false when it cannot listen.
    bool listen(const QString &name = defaultName());

Q_SIGNALS:
    void actionRequested(const QString &actionId);

private:
    QLocalServer *m_server = nullptr;
};

} // namespace interlock::ui
