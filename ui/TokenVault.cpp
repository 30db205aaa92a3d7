#include "TokenVault.h"

#include <QEventLoop>
#include <qt6keychain/keychain.h>

namespace interlock::ui {

namespace {
TokenVault::Result resultOf(const QKeychain::Job &job)
{
    TokenVault::Result r;
    switch (job.error()) {
    case QKeychain::NoError:
        r.ok = true;
        break;
    case QKeychain::EntryNotFound:
        r.notFound = true;
        break;
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
        r.problem = TokenVault::tr("No keychain service (such as GNOME Keyring or KWallet) is "
                                   "running, so the token cannot be stored safely.");
        break;
    case QKeychain::AccessDeniedByUser:
    case QKeychain::AccessDenied:
        r.problem = TokenVault::tr("The keychain refused access (%1).").arg(job.errorString());
        break;
    default:
        r.problem = TokenVault::tr("The keychain is not available (%1).").arg(job.errorString());
        break;
    }
    return r;
}
} // namespace

TokenVault::TokenVault(QObject *parent)
    : QObject(parent)
{}

void TokenVault::load(const QString &server, std::function<void(const Result &)> done)
{
    auto *job = new QKeychain::ReadPasswordJob(service(), this);
    job->setAutoDelete(true);
    job->setKey(server);
    connect(job, &QKeychain::Job::finished, this, [done](QKeychain::Job *j) {
        Result r = resultOf(*j);
        if (r.ok)
            r.token = static_cast<QKeychain::ReadPasswordJob *>(j)->textData();
        done(r);
    });
    job->start();
}

void TokenVault::save(const QString &server, const QString &token,
                      std::function<void(const Result &)> done)
{
    auto *job = new QKeychain::WritePasswordJob(service(), this);
    job->setAutoDelete(true);
    job->setKey(server);
    job->setTextData(token);
    connect(job, &QKeychain::Job::finished, this,
            [done](QKeychain::Job *j) { done(resultOf(*j)); });
    job->start();
}

void TokenVault::forget(const QString &server, std::function<void(const Result &)> done)
{
    auto *job = new QKeychain::DeletePasswordJob(service(), this);
    job->setAutoDelete(true);
    job->setKey(server);
    connect(job, &QKeychain::Job::finished, this,
            [done](QKeychain::Job *j) { done(resultOf(*j)); });
    job->start();
}

TokenVault::Result TokenVault::loadNow(const QString &server)
{
    QEventLoop loop;
    Result out;
    load(server, [&](const Result &r) {
        out = r;
        loop.quit();
    });
    loop.exec();
    return out;
}

} // namespace interlock::ui
