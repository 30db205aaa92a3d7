#pragma once

#include <QList>
#include <QString>

namespace interlock {

struct ShellCommand;

// One package a shell command installs (or downloads and runs: npx, uvx, pipx run).
struct PackageInstall {
    QString tool;       // "npm install", "pip install", "npx"…
    QString ecosystem;  // "npm" or "pypi"
    QString spec;       // as written: expresss@4, requests==2.31, git+https://…
    QString name;       // the registry name, normalised (lower case; PyPI: runs of -_. as -);
                        // empty when the package comes from a source instead
    QString source;     // where it comes from when that is not the registry: the URL, git
                        // repository or package index as written; empty for a registry name
    QString sourceHost; // the host of `source` ("github.com"), empty when it names none
};

// The packages a command line installs from npm or PyPI (docs/risk-rules.md, detectors
// `typosquat` and `install_source`), read as ShellCommands reads the line (behind sudo, in
// sh -c…): npm install|i|add, npm exec, npx, pnpm add|install|dlx, pnpx, yarn add|dlx, bun
// add|install, bunx; pip|pip3|pip3.N install, python -m pip install, uv pip install, uv add,
// uv tool install, uvx, pipx install|run, poetry add, pipenv install, easy_install. A package
// from a URL, a git repository (git+https://…, github:user/repo, npm's user/repo) or given with
// an index or registry other than the public one (--index-url, -i, --extra-index-url,
// --find-links URL, --registry) has a `source`; local paths (./pkg, -e ., dist/x.whl) and
// requirement files are neither names nor sources. Linear in the line.
class PackageInstalls
{
public:
    static QList<PackageInstall> inCommand(const QString &commandLine);
    static QList<PackageInstall> inCommand(const QList<ShellCommand> &commands); // as read
    // The name as its registry compares names (npm: lower case; PyPI: PEP 503).
    static QString normalised(const QString &name, const QString &ecosystem);
};

} // namespace interlock
