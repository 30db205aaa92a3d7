#pragma once

#include "client/ApiClient.h"

#include <QObject>
#include <QTimer>
#include <functional>

namespace interlock::integrations {

// The MCP gateway's execution receipts (POST /v1/actions/{id}/receipt), kept off the calls'
// critical path. Each receipt is a durable write on the server's one thread: sent the moment a
// tool answered, its commit would hold up the next call's submission, which an agent chaining
// tool calls sends right after. So receipts wait for the next submission and follow it at once
// (the submission is ahead of them at the server, and they mostly share its group commit), or
// go out when the gateway has had no call for `quietMs`. A receipt that got no answer (unreachable,
// 5xx) is sent once more: the server records one receipt per action and refuses any other (409
// already_recorded), so a repeat is harmless.
class ReceiptQueue : public QObject
{
public:
    struct Options {
        // 0: a receipt leaves on the next pass of the event loop unless a submission takes it
        // along first. Longer waits lost receipts: Claude Code stops its MCP servers right after
        // the last answer (e2e_claudecode's receipt never arrived with 50 ms).
        int quietMs = 0;
    };
    // `client` gives the session's client (null while there is none: receipts are then dropped).
    ReceiptQueue(std::function<ApiClient *()> client, Options options, QObject *parent = nullptr);

    void add(const QString &actionId, const QJsonObject &body);
    // A tools/call arrived: the quiet period starts again.
    void callArrived();
    // A submission was just sent: the receipts waiting follow it.
    void submissionSent();
    // Sends everything now and waits (running the event loop) until answered or `waitMs` passed.
    void flush(int waitMs);
    int pending() const { return int(m_pending.size()); }
    int inFlight() const { return m_inFlight; }

private:
    struct Receipt {
        QString actionId;
        QJsonObject body;
    };
    void sendAll();
    void send(const Receipt &receipt, bool again);

    std::function<ApiClient *()> m_client;
    Options m_options;
    QList<Receipt> m_pending;
    QTimer m_quiet;
    int m_inFlight = 0;
};

} // namespace interlock::integrations
