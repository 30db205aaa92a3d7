#include "Subcommands.h"

#include "core/ShellCommands.h"

namespace interlock {

namespace {
struct Tool {
    const char16_t *name;
    std::initializer_list<const char16_t *> valueOptions; // global options taking the next word
    bool abbreviations;                                   // argparse: --prof is --profile
};

// The global options that take a value, from each tool's documentation (git(1), terraform
// -help, aws help, helm --help, kubectl options, docker --help, gcloud topic flags).
const Tool kTools[] = {
    {u"git",
     {u"-C", u"-c", u"--git-dir", u"--work-tree", u"--namespace", u"--super-prefix",
      u"--config-env", u"--attr-source"},
     false},
    {u"terraform", {u"-chdir", u"--chdir"}, false},
    {u"aws",
     {u"--profile", u"--region", u"--endpoint-url", u"--output", u"--query", u"--ca-bundle",
      u"--cli-read-timeout", u"--cli-connect-timeout", u"--color", u"--cli-binary-format"},
     true},
    {u"helm",
     {u"-n", u"--namespace", u"--kube-context", u"--kubeconfig", u"--kube-apiserver",
      u"--kube-as-user", u"--kube-as-group", u"--kube-ca-file", u"--kube-token",
      u"--kube-tls-server-name", u"--registry-config", u"--repository-cache",
      u"--repository-config", u"--burst-limit", u"--qps", u"--content-cache"},
     false},
    {u"kubectl",
     {u"-n",
      u"--namespace",
      u"--context",
      u"--cluster",
      u"--user",
      u"-s",
      u"--server",
      u"--kubeconfig",
      u"--token",
      u"--as",
      u"--as-group",
      u"--as-uid",
      u"--certificate-authority",
      u"--client-certificate",
      u"--client-key",
      u"--tls-server-name",
      u"--request-timeout",
      u"--cache-dir",
      u"-v",
      u"--v",
      u"--vmodule",
      u"--log-file",
      u"--log-dir",
      u"--username",
      u"--password",
      u"--profile",
      u"--profile-output"},
     false},
    {u"docker",
     {u"-H", u"--host", u"-c", u"--context", u"--config", u"-l", u"--log-level", u"--tlscacert",
      u"--tlscert", u"--tlskey"},
     false},
    {u"gcloud",
     {u"--project", u"--account", u"--configuration", u"--verbosity", u"--billing-project",
      u"--impersonate-service-account", u"--format", u"--flatten", u"--trace-token",
      u"--access-token-file"},
     false},
};

const Tool *toolNamed(QStringView name)
{
    for (const Tool &t : kTools) {
        if (name == QStringView(t.name))
            return &t;
    }
    return nullptr;
}

bool takesValue(const Tool &t, QStringView option)
{
    for (const char16_t *o : t.valueOptions) {
        const QStringView known(o);
        if (option == known || (t.abbreviations && option.size() > 3 && known.startsWith(option)))
            return true;
    }
    return false;
}
} // namespace

qsizetype Subcommands::start(const ShellCommand &c)
{
    if (!c.hasProgram())
        return -1;
    const Tool *tool = toolNamed(c.name);
    if (!tool)
        return -1;
    const QStringList &w = c.words;
    qsizetype i = c.program + 1;
    while (i < w.size() && w[i].size() > 1 && w[i].startsWith(u'-') && w[i] != u"--") {
        const bool attached = w[i].contains(u'=') || (!w[i].startsWith(u"--") && w[i].size() > 2 &&
                                                      takesValue(*tool, QStringView(w[i]).left(2)));
        i += !attached && takesValue(*tool, w[i]) ? 2 : 1;
    }
    return i > c.program + 1 && i < w.size() ? i : -1;
}

} // namespace interlock
