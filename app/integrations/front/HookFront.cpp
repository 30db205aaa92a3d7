#include "HookFront.h"

#include "HookProtocol.h"
#include "JsonScan.h"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace interlock::integrations::hook {

namespace {

struct FrontOptions {
    std::string readOnly{kDefaultReadOnlyTools};
    int deadlineSeconds = kDefaultDeadlineSeconds;
    bool notAHook = false; // --install, --help…: the full program's business
};

FrontOptions parseOptions(int argc, char **argv)
{
    FrontOptions o;
    const auto valueOf = [&](int &i, std::string_view name, std::string *out) {
        const std::string_view arg = argv[i];
        if (arg == name && i + 1 < argc) {
            *out = argv[++i];
            return true;
        }
        if (arg.size() > name.size() && arg.substr(0, name.size()) == name &&
            arg[name.size()] == '=') {
            *out = std::string(arg.substr(name.size() + 1));
            return true;
        }
        return false;
    };
    for (int i = 3; i < argc; ++i) {
        const std::string_view arg = argv[i];
        std::string value;
        if (arg == "--install" || arg == "--help" || arg == "-h" || arg == "--uninstall") {
            o.notAHook = true;
        } else if (valueOf(i, "--read-only-tools", &value)) {
            o.readOnly = value;
        } else if (valueOf(i, "--deadline", &value)) {
            char *end = nullptr;
            const long s = std::strtol(value.c_str(), &end, 10);
            if (end && *end == 0 && s > 0 && s <= 24 * 3600)
                o.deadlineSeconds = int(s);
        }
    }
    return o;
}

bool writeAll(int fd, std::string_view data)
{
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data.remove_prefix(std::size_t(n));
    }
    return true;
}

// Reads fd to its end; false when it holds more than max bytes or cannot be read.
bool readBounded(int fd, std::string *out, std::size_t max)
{
    char buffer[65536];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return false;
        if (n == 0)
            return true;
        if (out->size() + std::size_t(n) > max)
            return false;
        out->append(buffer, std::size_t(n));
    }
}

long long nowMs()
{
    timespec t{};
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

std::string failed(std::string_view why)
{
    return denyJson(std::string("Interlock: ") + std::string(why) +
                    "; the tool call is denied to be safe (fail closed).");
}

// Runs the full hook with `input` on its stdin and returns its answer, or a deny when it failed.
std::string runFull(const std::string &program, int argc, char **argv, std::string_view input,
                    int deadlineSeconds)
{
    const int inputFd = ::memfd_create("interlock-hook-input", MFD_CLOEXEC);
    if (inputFd < 0 || !writeAll(inputFd, input) || ::lseek(inputFd, 0, SEEK_SET) != 0)
        return failed("the hook could not pass its input on");
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) {
        ::close(inputFd);
        return failed("the hook could not start");
    }
    std::vector<char *> args(argv, argv + argc);
    args[0] = const_cast<char *>(program.c_str());
    args.push_back(nullptr);
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid == 0) {
        // The full hook must not outlive this process (Claude Code gave up on it, or it was
        // killed): it would otherwise keep waiting for a decision nobody collects.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent)
            ::_exit(127);
        if (::dup2(inputFd, 0) < 0 || ::dup2(out[1], 1) < 0)
            ::_exit(127);
        ::execv(program.c_str(), args.data());
        ::_exit(127);
    }
    ::close(inputFd);
    ::close(out[1]);
    if (pid < 0) {
        ::close(out[0]);
        return failed("the hook could not start");
    }

    const long long deadline = nowMs() + (long long)(deadlineSeconds + kBackstopSeconds) * 1000;
    std::string answer;
    bool tooLong = false, eof = false;
    while (!eof && nowMs() < deadline) {
        pollfd p{out[0], POLLIN, 0};
        const long long left = deadline - nowMs();
        const int r = ::poll(&p, 1, int(left > 1000 ? 1000 : left));
        if (r < 0 && errno != EINTR)
            break;
        if (r <= 0)
            continue;
        char buffer[65536];
        const ssize_t n = ::read(out[0], buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            eof = true;
        } else if (answer.size() + std::size_t(n) > kMaxOutputBytes) {
            tooLong = true;
            break;
        } else {
            answer.append(buffer, std::size_t(n));
        }
    }
    ::close(out[0]);
    int status = 0;
    pid_t done = 0;
    while (!tooLong && eof && (done = ::waitpid(pid, &status, WNOHANG)) == 0 &&
           nowMs() < deadline) {
        const timespec pause{0, 2 * 1000 * 1000};
        ::nanosleep(&pause, nullptr);
    }
    if (done != pid) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &status, 0);
        if (tooLong)
            return failed("the hook's answer was too long");
        return failed("the hook did not answer within its deadline of " +
                      std::to_string(deadlineSeconds) + " s");
    }
    if (WIFSIGNALED(status))
        return failed("the hook crashed (signal " + std::to_string(WTERMSIG(status)) + ")");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return failed("the hook failed (exit status " + std::to_string(WEXITSTATUS(status)) + ")");
    const JsonScan scan = scanJson(answer);
    if (!scan.ok || scan.root != '{')
        return failed("the hook's answer was not a JSON object");
    if (answer.back() != '\n')
        answer += '\n';
    return answer;
}

// The state file stem of the input's Claude session (stateDir()/KEY), or empty when its id is not
// a plain key (the full hook then hashes it and decides).
std::string stateStem(const JsonScan &input)
{
    const std::string *session = input.topString("session_id");
    const std::string key = session ? plainSessionKey(*session) : std::string();
    return key.empty() ? std::string() : stateDir() + "/" + key;
}

// Whether the front may answer a read-only tool itself: the Claude session is not marked killed,
// and either has no Interlock session of its own yet (nothing to kill) or had it confirmed alive
// less than kAliveTrustMs ago (not in the future: a clock set back). Otherwise the full hook asks
// Interlock.
bool readMayPassHere(const JsonScan &input)
{
    const std::string stem = stateStem(input);
    if (stem.empty() || ::access((stem + ".killed").c_str(), F_OK) == 0)
        return false;
    if (::access((stem + ".json").c_str(), F_OK) != 0)
        return true;
    struct stat st {
    };
    if (::lstat((stem + ".alive").c_str(), &st) != 0 || !S_ISREG(st.st_mode))
        return false;
    timespec now{};
    ::clock_gettime(CLOCK_REALTIME, &now);
    const long long age =
        (now.tv_sec - st.st_mtim.tv_sec) * 1000LL + (now.tv_nsec - st.st_mtim.tv_nsec) / 1000000LL;
    return age >= 0 && age < kAliveTrustMs;
}

} // namespace

int runFront(int argc, char **argv, const std::string &fullProgram)
{
    const FrontOptions options = parseOptions(argc, argv);
    if (options.notAHook)
        return -1;
    std::string input;
    if (!readBounded(0, &input, kMaxInputBytes)) {
        writeAll(1, failed("the hook input could not be read or is larger than " +
                           std::to_string(kMaxInputBytes / (1024 * 1024)) + " MiB"));
        return 0;
    }
    const JsonScan scan = scanJson(input, JsonScanLimits{}, true);
    if (!scan.ok || scan.root != '{') {
        writeAll(1, failed(std::string("the hook input is not a JSON object (") +
                           (scan.ok ? "another JSON value" : scan.error) + ")"));
        return 0;
    }
    const std::string *event = scan.topString("hook_event_name");
    const std::string *tool = scan.topString("tool_name");
    if (event && *event == "PreToolUse" && tool && listContains(options.readOnly, *tool) &&
        readMayPassHere(scan)) {
        writeAll(1, allowJson("Interlock: " + *tool +
                              " is on the read-only list, allowed without review"));
        return 0;
    }
    writeAll(1, runFull(fullProgram, argc, argv, input, options.deadlineSeconds));
    return 0;
}

} // namespace interlock::integrations::hook
