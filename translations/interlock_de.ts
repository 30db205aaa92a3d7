<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>interlock::ui::ActionDetailView</name>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="73"/>
        <source>Risk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="74"/>
        <source>Why</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="79"/>
        <source>Summary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="81"/>
        <source>Payload (what the agent will run)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="83"/>
        <source>Changes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="90"/>
        <source>Select an action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="101"/>
        <source>%1 · %2 · session %3 · target %4 · %5</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>interlock::ui::ActionQueueModel</name>
    <message numerus="yes">
        <location filename="../ui/ActionQueueModel.cpp" line="44"/>
        <source>%n s</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/ActionQueueModel.cpp" line="46"/>
        <source>%n min</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/ActionQueueModel.cpp" line="48"/>
        <source>%n h</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/ActionQueueModel.cpp" line="49"/>
        <source>%n d</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/ActionQueueModel.cpp" line="98"/>
        <source>%1 of %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/ActionQueueModel.cpp" line="114"/>
        <source>Risk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/ActionQueueModel.cpp" line="116"/>
        <source>Age</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/ActionQueueModel.cpp" line="118"/>
        <source>Expires in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/ActionQueueModel.cpp" line="120"/>
        <source>Agent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/ActionQueueModel.cpp" line="122"/>
        <source>Kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/ActionQueueModel.cpp" line="124"/>
        <source>Title</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/ActionQueueModel.cpp" line="126"/>
        <source>Target</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/ActionQueueModel.cpp" line="128"/>
        <source>Approvals</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/ActionQueueModel.cpp" line="130"/>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>interlock::ui::ConsoleBackend</name>
    <message>
        <location filename="../ui/ConsoleBackend.cpp" line="28"/>
        <source>Connected to %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/ConsoleBackend.cpp" line="31"/>
        <source>Reconnecting… (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/ConsoleBackend.cpp" line="34"/>
        <source>Refused by the server: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/ConsoleBackend.cpp" line="37"/>
        <source>Connecting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/ConsoleBackend.cpp" line="47"/>
        <source>Connecting to %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/ConsoleBackend.cpp" line="54"/>
        <source>The server could not be reached (%1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/ConsoleBackend.cpp" line="57"/>
        <source>Someone else decided this action first; nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/ConsoleBackend.cpp" line="59"/>
        <source>You already approved this action; a second reviewer must approve it too.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/ConsoleBackend.cpp" line="61"/>
        <source>You own the session that submitted this action, so another reviewer must approve it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/ConsoleBackend.cpp" line="64"/>
        <source>Your token is not allowed to do this.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/ConsoleBackend.cpp" line="66"/>
        <source>The action changed while you looked at it; check it again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/ConsoleBackend.cpp" line="67"/>
        <source>The server answered HTTP %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/ConsoleBackend.cpp" line="126"/>
        <source>%1 (%2) reported running “%3”: %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/ConsoleBackend.cpp" line="148"/>
        <source>Not connected: the decision was not sent.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/ConsoleBackend.cpp" line="158"/>
        <source>Your approval of “%1” is recorded; it needs %2 approvals.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/ConsoleBackend.cpp" line="170"/>
        <source>Approved “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/ConsoleBackend.cpp" line="178"/>
        <source>Rejected “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/ConsoleBackend.cpp" line="185"/>
        <source>emergency stop from the console</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/ConsoleBackend.cpp" line="188"/>
        <source>The kill failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/ConsoleBackend.cpp" line="191"/>
        <source>Killed the session of %1; %n pending action(s) cancelled.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/ConsoleBackend.cpp" line="202"/>
        <source>stop all agents from the console</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/ConsoleBackend.cpp" line="205"/>
        <source>Stop all failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/ConsoleBackend.cpp" line="208"/>
        <source>Stopped all agents: %1 session(s) killed, %2 pending action(s) cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>interlock::ui::MainWindow</name>
    <message>
        <location filename="../ui/MainWindow.cpp" line="46"/>
        <source>Interlock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="87"/>
        <source>&amp;Approve</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="89"/>
        <source>Approve the selected action as it is (Ctrl+Return)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="92"/>
        <source>&amp;Reject…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="94"/>
        <source>Reject the selected action with a reason (R)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="97"/>
        <source>■ Emergency stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="100"/>
        <source>Kill the session of the selected action now, without asking (Ctrl+K)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="103"/>
        <source>Stop all agents…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="105"/>
        <source>Kill every active agent session (Ctrl+Shift+K, then Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="108"/>
        <source>Kill session</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="109"/>
        <source>Kill the session selected in this list</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="112"/>
        <source>Next action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="115"/>
        <source>Previous action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="118"/>
        <source>Find</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="123"/>
        <source>Connect an agent…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="127"/>
        <source>&amp;Queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="129"/>
        <source>&amp;Agents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="137"/>
        <source>Decisions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="144"/>
        <source>Filter: agent, kind, title, target (Ctrl+F)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="150"/>
        <source>Pending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="151"/>
        <source>Approved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="152"/>
        <source>Rejected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="153"/>
        <source>Expired</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="154"/>
        <source>Cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="154"/>
        <source>All</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="213"/>
        <source>Acknowledge</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="238"/>
        <source>Agent sessions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="305"/>
        <source>Reject action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="306"/>
        <source>Why is this action rejected? The agent receives this text.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="328"/>
        <source>Stop all agents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="329"/>
        <source>Kill every active agent session now? Their pending actions are cancelled and supervised agents are terminated.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="332"/>
        <source>Stop all</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="348"/>
        <source>Receipt violation: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="349"/>
        <source>%1 receipt violations; latest: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="379"/>
        <source>Connect an agent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="382"/>
        <source>Agents open a session with this enrollment token, then submit actions and wait for decisions. Or run one under the supervisor: interlockctl run --agent NAME -- CMD</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>interlock::ui::SessionListModel</name>
    <message>
        <location filename="../ui/SessionListModel.cpp" line="23"/>
        <source>terminated ✓ (%1 ms)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/SessionListModel.cpp" line="27"/>
        <source>killed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/SessionListModel.cpp" line="29"/>
        <source>ended</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/SessionListModel.cpp" line="30"/>
        <source>active</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/SessionListModel.cpp" line="72"/>
        <source>Agent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/SessionListModel.cpp" line="74"/>
        <source>Owner</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/SessionListModel.cpp" line="76"/>
        <source>Pending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/SessionListModel.cpp" line="78"/>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
