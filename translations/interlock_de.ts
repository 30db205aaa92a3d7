<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>Labels</name>
    <message>
        <location filename="../ui/Labels.cpp" line="8"/>
        <source>low</source>
        <translation>niedrig</translation>
    </message>
    <message>
        <location filename="../ui/Labels.cpp" line="10"/>
        <source>medium</source>
        <translation>mittel</translation>
    </message>
    <message>
        <location filename="../ui/Labels.cpp" line="12"/>
        <source>high</source>
        <translation>hoch</translation>
    </message>
    <message>
        <location filename="../ui/Labels.cpp" line="14"/>
        <source>critical</source>
        <translation>kritisch</translation>
    </message>
    <message>
        <location filename="../ui/Labels.cpp" line="21"/>
        <source>pending</source>
        <translation>offen</translation>
    </message>
    <message>
        <location filename="../ui/Labels.cpp" line="23"/>
        <source>approved</source>
        <translation>freigegeben</translation>
    </message>
    <message>
        <location filename="../ui/Labels.cpp" line="25"/>
        <source>rejected</source>
        <translation>abgelehnt</translation>
    </message>
    <message>
        <location filename="../ui/Labels.cpp" line="27"/>
        <source>expired</source>
        <translation>abgelaufen</translation>
    </message>
    <message>
        <location filename="../ui/Labels.cpp" line="29"/>
        <source>cancelled</source>
        <translation>abgebrochen</translation>
    </message>
    <message>
        <location filename="../ui/Labels.cpp" line="31"/>
        <source>edited</source>
        <translation>bearbeitet</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <location filename="../ui/diff/DiffView.cpp" line="75"/>
        <source>… the rest of this diff is too large to show</source>
        <translation>… der Rest dieses Diffs ist zu groß für die Anzeige</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/diff/DiffModel.cpp" line="25"/>
        <source> ⟪line cut here: %n more characters not shown; the Payload tab shows the whole line⟫</source>
        <translation>
            <numerusform> ⟪Zeile hier abgeschnitten: %n weiteres Zeichen nicht gezeigt; der Reiter Nutzdaten zeigt die ganze Zeile⟫</numerusform>
            <numerusform> ⟪Zeile hier abgeschnitten: %n weitere Zeichen nicht gezeigt; der Reiter Nutzdaten zeigt die ganze Zeile⟫</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RevealedText</name>
    <message numerus="yes">
        <location filename="../ui/RevealedText.cpp" line="30"/>
        <source>… (+%n characters)</source>
        <translation>
            <numerusform>… (+%n Zeichen)</numerusform>
            <numerusform>… (+%n Zeichen)</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/RevealedText.cpp" line="172"/>
        <source>A hidden character, shown by its code point</source>
        <translation>Ein verborgenes Zeichen, als Codepunkt angezeigt</translation>
    </message>
    <message>
        <location filename="../ui/RevealedText.cpp" line="210"/>
        <source>Right-to-left letters, shown left to right in the order they are stored: the order a program reads them</source>
        <translation>Rechts-nach-links-Buchstaben, von links nach rechts in gespeicherter Reihenfolge gezeigt: der Reihenfolge, in der ein Programm sie liest</translation>
    </message>
    <message>
        <location filename="../ui/RevealedText.cpp" line="259"/>
        <source>Look-alike: “%1” imitates %2</source>
        <translation>Doppelgänger: „%1“ ahmt %2 nach</translation>
    </message>
    <message>
        <location filename="../ui/RevealedText.cpp" line="261"/>
        <source>Mixed scripts in “%1” (%2)</source>
        <translation>Gemischte Schriften in „%1“ (%2)</translation>
    </message>
    <message>
        <location filename="../ui/RevealedText.cpp" line="281"/>
        <source>%1: look-alike “%2” imitates %3</source>
        <translation>%1: Doppelgänger „%2“ ahmt %3 nach</translation>
    </message>
    <message>
        <location filename="../ui/RevealedText.cpp" line="284"/>
        <source>%1: “%2” mixes scripts</source>
        <translation>%1: „%2“ mischt Schriften</translation>
    </message>
    <message>
        <location filename="../ui/RevealedText.cpp" line="286"/>
        <source>%1: %2 blanks in a row at %3, shown as one marker such as ⟪%2 spaces⟫</source>
        <translation>%1: %2 Leerzeichen in Folge an Stelle %3, als eine Markierung wie ⟪%2 spaces⟫ gezeigt</translation>
    </message>
    <message>
        <location filename="../ui/RevealedText.cpp" line="291"/>
        <source>%1: right-to-left letters “%2” at %3, shown left to right in stored order</source>
        <translation>%1: Rechts-nach-links-Buchstaben „%2“ an Stelle %3, von links nach rechts in gespeicherter Reihenfolge gezeigt</translation>
    </message>
    <message>
        <location filename="../ui/RevealedText.cpp" line="296"/>
        <source>%1: %2 %3 at %4</source>
        <translation>%1: %2 %3 an Stelle %4</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/RevealedText.cpp" line="304"/>
        <source>… and %n more</source>
        <translation>
            <numerusform>… und %n weiteres</numerusform>
            <numerusform>… und %n weitere</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/RevealedText.cpp" line="453"/>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
</context>
<context>
    <name>interlock::ConsoleApp</name>
    <message>
        <location filename="../app/console/ConsoleApp.cpp" line="60"/>
        <source>Token saved in your keychain for %1.</source>
        <translation>Token für %1 im Schlüsselbund gespeichert.</translation>
    </message>
    <message>
        <location filename="../app/console/ConsoleApp.cpp" line="62"/>
        <source>The token is kept for this run only.</source>
        <translation>Das Token gilt nur für diese Sitzung.</translation>
    </message>
    <message>
        <location filename="../app/console/ConsoleApp.cpp" line="105"/>
        <source>The console&apos;s own server did not start: %1</source>
        <translation>Der eigene Server der Konsole ist nicht gestartet: %1</translation>
    </message>
    <message>
        <location filename="../app/console/ConsoleApp.cpp" line="118"/>
        <source>No token is saved for %1; enter one in Settings.</source>
        <translation>Für %1 ist kein Token gespeichert; bitte in den Einstellungen eingeben.</translation>
    </message>
</context>
<context>
    <name>interlock::ui::ActionBanner</name>
    <message>
        <location filename="../ui/ActionBanner.cpp" line="81"/>
        <source>This action contains hidden characters: </source>
        <translation>Diese Aktion enthält verborgene Zeichen: </translation>
    </message>
    <message>
        <location filename="../ui/ActionBanner.cpp" line="91"/>
        <source>The diff supplied by the agent does not match what will run%1. The changes below are derived from the payload; the agent&apos;s diff is in its own tab.</source>
        <translation>Der vom Agenten gelieferte Diff stimmt nicht mit dem überein, was ausgeführt wird%1. Die Änderungen unten sind aus den Nutzdaten abgeleitet; der Diff des Agenten steht in einem eigenen Reiter.</translation>
    </message>
</context>
<context>
    <name>interlock::ui::ActionDetailView</name>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="170"/>
        <source>Risk</source>
        <translation>Risiko</translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="171"/>
        <source>Why</source>
        <translation>Warum</translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="177"/>
        <source>Summary</source>
        <translation>Zusammenfassung</translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="187"/>
        <location filename="../ui/ActionDetailView.cpp" line="218"/>
        <source>Payload (what the agent will run)</source>
        <translation>Nutzdaten (was der Agent ausführt)</translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="184"/>
        <location filename="../ui/ActionDetailView.cpp" line="217"/>
        <location filename="../ui/ActionDetailView.cpp" line="455"/>
        <source>Changes</source>
        <translation>Änderungen</translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="77"/>
        <source>Claimed by the server: nothing (taken as destructive and open world)</source>
        <translation>Vom Server behauptet: nichts (gilt als zerstörerisch und offen nach außen)</translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="83"/>
        <source>%1 not claimed (taken as %2)</source>
        <translation>%1 nicht behauptet (gilt als %2)</translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="84"/>
        <location filename="../ui/ActionDetailView.cpp" line="85"/>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="84"/>
        <location filename="../ui/ActionDetailView.cpp" line="86"/>
        <source>no</source>
        <translation>nein</translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="85"/>
        <source>%1 %2</source>
        <translation>%1 %2</translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="88"/>
        <source>Claimed by the server, not verified: %1 · %2 · %3 · %4</source>
        <translation>Vom Server behauptet, nicht geprüft: %1 · %2 · %3 · %4</translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="89"/>
        <source>read-only</source>
        <translation>nur lesend</translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="90"/>
        <source>destructive</source>
        <translation>zerstörerisch</translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="91"/>
        <source>idempotent</source>
        <translation>idempotent</translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="92"/>
        <source>open world</source>
        <translation>offen nach außen</translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="123"/>
        <source>Nobody gains access.</source>
        <translation>Niemand erhält Zugriff.</translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="124"/>
        <source>Gains access: %1</source>
        <translation>Erhält Zugriff: %1</translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="127"/>
        <source>MCP server %1 · tool %2</source>
        <translation>MCP-Server %1 · Werkzeug %2</translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="136"/>
        <source>PUBLIC post to %1: anyone can read it</source>
        <translation>ÖFFENTLICHER Beitrag in %1: jeder kann ihn lesen</translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="137"/>
        <source>%1 post to %2</source>
        <translation>%1 Beitrag in %2</translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="195"/>
        <source>Select an action</source>
        <translation>Aktion auswählen</translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="234"/>
        <source>Loading…</source>
        <translation>Wird geladen …</translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="236"/>
        <source>Loading the payload from the server…</source>
        <translation>Nutzdaten werden vom Server geladen …</translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="247"/>
        <source>The full action could not be loaded: %1</source>
        <translation>Die vollständige Aktion konnte nicht geladen werden: %1</translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="273"/>
        <source>Agent&apos;s original</source>
        <translation>Original des Agenten</translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="274"/>
        <source>Payload (as edited: what will run)</source>
        <translation>Nutzdaten (bearbeitet: was ausgeführt wird)</translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="277"/>
        <source>EDITED by %1: an approval runs their edit, not what the agent asked for. The risk above is the edit&apos;s (the agent&apos;s original: %2 · %3). The agent&apos;s payload is in the tab &quot;Agent&apos;s original&quot;.</source>
        <translation>BEARBEITET von %1: Eine Freigabe führt diese Bearbeitung aus, nicht das, was der Agent beantragt hat. Das Risiko oben ist das der Bearbeitung (das Original des Agenten: %2 · %3). Die Nutzdaten des Agenten stehen im Reiter „Original des Agenten“.</translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="295"/>
        <source>another reviewer</source>
        <translation>einer anderen prüfenden Person</translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="304"/>
        <source>%1 by: %2</source>
        <translation>%1 von: %2</translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="313"/>
        <source>%1 · %2 · session %3 · target %4 · %5</source>
        <translation>%1 · %2 · Sitzung %3 · Ziel %4 · %5</translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="327"/>
        <source>%1 (of the edited payload)</source>
        <translation>%1 (der bearbeiteten Nutzdaten)</translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="352"/>
        <source>Nobody</source>
        <translation>Niemand</translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="386"/>
        <source>grants on %1 (before: as claimed by the agent)</source>
        <translation>Berechtigungen auf %1 (vorher: laut Behauptung des Agenten)</translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="391"/>
        <source>Grants (from the payload; before: claimed by the agent)</source>
        <translation>Berechtigungen (aus den Nutzdaten; vorher: vom Agenten behauptet)</translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="396"/>
        <source>Message (from the payload)</source>
        <translation>Nachricht (aus den Nutzdaten)</translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="404"/>
        <source>Arguments (from the payload)</source>
        <translation>Argumente (aus den Nutzdaten)</translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="414"/>
        <source>What will run (as edited)</source>
        <translation>Was ausgeführt wird (bearbeitet)</translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="414"/>
        <source>What will run</source>
        <translation>Was ausgeführt wird</translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="416"/>
        <source>%1 (before: claimed)</source>
        <translation>%1 (vorher: behauptet)</translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="434"/>
        <source>Agent&apos;s diff (does NOT show what the command runs with)</source>
        <translation>Diff des Agenten (zeigt NICHT, womit der Befehl läuft)</translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="436"/>
        <source>Agent&apos;s diff (its own: not what will run)</source>
        <translation>Diff des Agenten (sein eigener: nicht, was ausgeführt wird)</translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="440"/>
        <source>Agent&apos;s diff (shows %1 of %2 written lines; the rest is not in it)</source>
        <translation>Diff des Agenten (zeigt %1 von %2 geschriebenen Zeilen; der Rest fehlt darin)</translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="443"/>
        <source>The agent&apos;s diff shows only %1 of the %2 lines that will be written; the rest of the file is not in it. &quot;%3&quot; shows every line.</source>
        <translation>Der Diff des Agenten zeigt nur %1 der %2 Zeilen, die geschrieben werden; der Rest der Datei fehlt darin. „%3“ zeigt jede Zeile.</translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="455"/>
        <source>Agent&apos;s changes (not checked)</source>
        <translation>Änderungen des Agenten (nicht geprüft)</translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="459"/>
        <source>Not checked: the changes in &quot;%1&quot; are the agent&apos;s own description; nothing in a %2 payload can check them. What will run is the payload, shown here.</source>
        <translation>Nicht geprüft: Die Änderungen in „%1“ sind die eigene Beschreibung des Agenten; nichts in Nutzdaten der Art %2 kann sie prüfen. Ausgeführt werden die Nutzdaten, die hier gezeigt sind.</translation>
    </message>
    <message>
        <source>What will run (before: claimed)</source>
        <translation type="vanished">Was ausgeführt wird (vorher: laut Agent)</translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="417"/>
        <source>The new content is the payload&apos;s, every line of it. The &quot;before&quot; it is compared with is the agent&apos;s claim of what the file holds now: a line drawn as unchanged may be new.</source>
        <translation>Der neue Inhalt stammt aus den Nutzdaten, jede Zeile davon. Das „Vorher“, mit dem er verglichen wird, ist die Behauptung des Agenten über den jetzigen Inhalt der Datei: Eine als unverändert gezeigte Zeile kann neu sein.</translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="420"/>
        <source>Before: claimed by the agent. Lines drawn as unchanged are the agent&apos;s claim of what the file holds now; they will be written too, as they are shown.</source>
        <translation>Vorher: vom Agenten behauptet. Als unverändert gezeigte Zeilen sind die Behauptung des Agenten, was die Datei jetzt enthält; sie werden ebenfalls geschrieben, so wie sie gezeigt sind.</translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="424"/>
        <source>What will run (from the payload)</source>
        <translation>Was ausgeführt wird (aus den Nutzdaten)</translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="432"/>
        <source>Agent&apos;s diff (does NOT match what will run)</source>
        <translation>Diff des Agenten (stimmt NICHT mit der Ausführung überein)</translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="430"/>
        <source>Agent&apos;s diff (matches the payload)</source>
        <translation>Diff des Agenten (stimmt mit den Nutzdaten überein)</translation>
    </message>
    <message>
        <source>Changes (supplied by the agent, not checked against the payload)</source>
        <translation type="vanished">Änderungen (vom Agenten geliefert, nicht mit den Nutzdaten abgeglichen)</translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="393"/>
        <source>message to %1</source>
        <translation>Nachricht an %1</translation>
    </message>
    <message>
        <location filename="../ui/ActionDetailView.cpp" line="399"/>
        <source>arguments of %1 (MCP server %2)</source>
        <translation>Argumente von %1 (MCP-Server %2)</translation>
    </message>
</context>
<context>
    <name>interlock::ui::ActionQueueModel</name>
    <message numerus="yes">
        <location filename="../ui/ActionQueueModel.cpp" line="35"/>
        <source>%n s</source>
        <translation>
            <numerusform>%n s</numerusform>
            <numerusform>%n s</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/ActionQueueModel.cpp" line="37"/>
        <source>%n min</source>
        <translation>
            <numerusform>%n min</numerusform>
            <numerusform>%n min</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/ActionQueueModel.cpp" line="39"/>
        <source>%n h</source>
        <translation>
            <numerusform>%n h</numerusform>
            <numerusform>%n h</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/ActionQueueModel.cpp" line="40"/>
        <source>%n d</source>
        <translation>
            <numerusform>%n T</numerusform>
            <numerusform>%n T</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/ActionQueueModel.cpp" line="133"/>
        <source>%1 of %2</source>
        <translation>%1 von %2</translation>
    </message>
    <message>
        <location filename="../ui/ActionQueueModel.cpp" line="147"/>
        <source>Risk</source>
        <translation>Risiko</translation>
    </message>
    <message>
        <location filename="../ui/ActionQueueModel.cpp" line="149"/>
        <source>Age</source>
        <translation>Alter</translation>
    </message>
    <message>
        <location filename="../ui/ActionQueueModel.cpp" line="151"/>
        <source>Expires in</source>
        <translation>Läuft ab in</translation>
    </message>
    <message>
        <location filename="../ui/ActionQueueModel.cpp" line="153"/>
        <source>Agent</source>
        <translation>Agent</translation>
    </message>
    <message>
        <location filename="../ui/ActionQueueModel.cpp" line="155"/>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <location filename="../ui/ActionQueueModel.cpp" line="157"/>
        <source>Title</source>
        <translation>Titel</translation>
    </message>
    <message>
        <location filename="../ui/ActionQueueModel.cpp" line="159"/>
        <source>Target</source>
        <translation>Ziel</translation>
    </message>
    <message>
        <location filename="../ui/ActionQueueModel.cpp" line="161"/>
        <source>Approvals</source>
        <translation>Freigaben</translation>
    </message>
    <message>
        <location filename="../ui/ActionQueueModel.cpp" line="163"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
</context>
<context>
    <name>interlock::ui::ConsoleBackend</name>
    <message>
        <location filename="../ui/ConsoleBackend.cpp" line="39"/>
        <source>Connected to %1</source>
        <translation>Verbunden mit %1</translation>
    </message>
    <message>
        <location filename="../ui/ConsoleBackend.cpp" line="42"/>
        <source>Reconnecting… (%1)</source>
        <translation>Verbindung wird wiederhergestellt … (%1)</translation>
    </message>
    <message>
        <location filename="../ui/ConsoleBackend.cpp" line="45"/>
        <source>Refused by the server: %1</source>
        <translation>Vom Server abgelehnt: %1</translation>
    </message>
    <message>
        <location filename="../ui/ConsoleBackend.cpp" line="48"/>
        <source>Connecting…</source>
        <translation>Verbinde …</translation>
    </message>
    <message>
        <location filename="../ui/ConsoleBackend.cpp" line="58"/>
        <source>Connecting to %1…</source>
        <translation>Verbinde mit %1 …</translation>
    </message>
    <message>
        <location filename="../ui/ConsoleBackend.cpp" line="72"/>
        <source>The server could not be reached (%1).</source>
        <translation>Der Server ist nicht erreichbar (%1).</translation>
    </message>
    <message>
        <location filename="../ui/ConsoleBackend.cpp" line="74"/>
        <source>The server&apos;s answer could not be read (%1, HTTP %2).</source>
        <translation>Die Antwort des Servers war nicht lesbar (%1, HTTP %2).</translation>
    </message>
    <message>
        <location filename="../ui/ConsoleBackend.cpp" line="79"/>
        <source>Someone else decided this action first; nothing was changed.</source>
        <translation>Jemand anderes hat diese Aktion zuerst entschieden; es wurde nichts geändert.</translation>
    </message>
    <message>
        <location filename="../ui/ConsoleBackend.cpp" line="81"/>
        <source>You already approved this action; a second reviewer must approve it too.</source>
        <translation>Sie haben diese Aktion bereits freigegeben; eine zweite Prüferin oder ein zweiter Prüfer muss sie ebenfalls freigeben.</translation>
    </message>
    <message>
        <location filename="../ui/ConsoleBackend.cpp" line="83"/>
        <source>You opened the session that submitted this action, so someone else must approve it.</source>
        <translation>Sie haben die Sitzung eröffnet, aus der diese Aktion stammt; jemand anderes muss sie genehmigen.</translation>
    </message>
    <message>
        <location filename="../ui/ConsoleBackend.cpp" line="86"/>
        <source>You own the session that submitted this action, so someone else must approve it.</source>
        <translation>Ihnen gehört die Sitzung, aus der diese Aktion stammt; jemand anderes muss sie genehmigen.</translation>
    </message>
    <message>
        <location filename="../ui/ConsoleBackend.cpp" line="89"/>
        <source>Your token is not allowed to do this.</source>
        <translation>Ihr Token darf das nicht.</translation>
    </message>
    <message>
        <location filename="../ui/ConsoleBackend.cpp" line="91"/>
        <source>A circuit breaker froze this agent&apos;s session: approvals wait until a person resumes it in the sessions panel; rejecting still works.</source>
        <translation>Ein Schutzschalter hat die Sitzung dieses Agenten eingefroren: Freigaben warten, bis eine Person sie in der Sitzungsliste fortsetzt; Ablehnen geht weiterhin.</translation>
    </message>
    <message>
        <location filename="../ui/ConsoleBackend.cpp" line="94"/>
        <source>The action changed while you looked at it; check it again.</source>
        <translation>Die Aktion hat sich geändert, während Sie sie angesehen haben; bitte erneut prüfen.</translation>
    </message>
    <message>
        <location filename="../ui/ConsoleBackend.cpp" line="95"/>
        <source>The server answered HTTP %1.</source>
        <translation>Der Server antwortete mit HTTP %1.</translation>
    </message>
    <message>
        <location filename="../ui/ConsoleBackend.cpp" line="204"/>
        <source>%1 (%2) reported running “%3”: %4</source>
        <translation>%1 (%2) meldete die Ausführung von „%3“: %4</translation>
    </message>
    <message>
        <location filename="../ui/ConsoleBackend.cpp" line="226"/>
        <source>Not connected: the decision was not sent.</source>
        <translation>Nicht verbunden: Die Entscheidung wurde nicht gesendet.</translation>
    </message>
    <message>
        <location filename="../ui/ConsoleBackend.cpp" line="237"/>
        <source>Your approval of “%1” is recorded; it needs %2 approvals.</source>
        <translation>Ihre Freigabe von „%1“ ist erfasst; nötig sind %2 Freigaben.</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/ConsoleBackend.cpp" line="244"/>
        <source>Approved “%1”; the same is allowed for this agent for %n hour(s) (grant %2).</source>
        <translation>
            <numerusform>„%1“ freigegeben; dasselbe ist für diesen Agenten %n Stunde erlaubt (Erlaubnis %2).</numerusform>
            <numerusform>„%1“ freigegeben; dasselbe ist für diesen Agenten %n Stunden erlaubt (Erlaubnis %2).</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/ConsoleBackend.cpp" line="268"/>
        <source>Approved “%1”.</source>
        <translation>„%1“ freigegeben.</translation>
    </message>
    <message>
        <location filename="../ui/ConsoleBackend.cpp" line="297"/>
        <source>Approved an edited “%1”.</source>
        <translation>Bearbeitete Fassung von „%1“ freigegeben.</translation>
    </message>
    <message>
        <location filename="../ui/ConsoleBackend.cpp" line="305"/>
        <source>Rejected “%1”.</source>
        <translation>„%1“ abgelehnt.</translation>
    </message>
    <message>
        <location filename="../ui/ConsoleBackend.cpp" line="312"/>
        <source>emergency stop from the console</source>
        <translation>Notstopp aus der Konsole</translation>
    </message>
    <message>
        <location filename="../ui/ConsoleBackend.cpp" line="315"/>
        <source>The kill failed: %1</source>
        <translation>Beenden fehlgeschlagen: %1</translation>
    </message>
    <message>
        <location filename="../ui/ConsoleBackend.cpp" line="319"/>
        <source>Killed the session: its token is refused and its supervisor told, but the server could not record the kill yet; it keeps trying.</source>
        <translation>Sitzung beendet: Ihr Token wird abgewiesen und ihr Supervisor ist benachrichtigt, aber der Server konnte den Abbruch noch nicht speichern; er versucht es weiter.</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/ConsoleBackend.cpp" line="323"/>
        <source>Killed the session of %1; %n pending action(s) cancelled.</source>
        <translation>
            <numerusform>Sitzung von %1 beendet; %n offene Aktion abgebrochen.</numerusform>
            <numerusform>Sitzung von %1 beendet; %n offene Aktionen abgebrochen.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/ConsoleBackend.cpp" line="334"/>
        <source>stop all agents from the console</source>
        <translation>alle Agenten aus der Konsole stoppen</translation>
    </message>
    <message>
        <location filename="../ui/ConsoleBackend.cpp" line="337"/>
        <source>Stop all failed: %1</source>
        <translation>Alle stoppen fehlgeschlagen: %1</translation>
    </message>
    <message>
        <location filename="../ui/ConsoleBackend.cpp" line="340"/>
        <source>Stopped all agents: %1 session(s) killed, %2 pending action(s) cancelled.</source>
        <translation>Alle Agenten gestoppt: %1 Sitzung(en) beendet, %2 offene Aktion(en) abgebrochen.</translation>
    </message>
</context>
<context>
    <name>interlock::ui::DiffView</name>
    <message>
        <location filename="../ui/diff/DiffView.cpp" line="166"/>
        <source>Files in this change ([ and ] move between them)</source>
        <translation>Dateien dieser Änderung ([ und ] wechseln zwischen ihnen)</translation>
    </message>
    <message>
        <location filename="../ui/diff/DiffView.cpp" line="167"/>
        <source>Unified</source>
        <translation>Einspaltig</translation>
    </message>
    <message>
        <location filename="../ui/diff/DiffView.cpp" line="168"/>
        <source>Side by side</source>
        <translation>Nebeneinander</translation>
    </message>
    <message>
        <location filename="../ui/diff/DiffView.cpp" line="172"/>
        <source>One column with removed and added lines (Ctrl+1)</source>
        <translation>Eine Spalte mit entfernten und hinzugefügten Zeilen (Strg+1)</translation>
    </message>
    <message>
        <location filename="../ui/diff/DiffView.cpp" line="173"/>
        <source>Old and new next to each other (Ctrl+2)</source>
        <translation>Alt und neu nebeneinander (Strg+2)</translation>
    </message>
    <message>
        <location filename="../ui/diff/DiffView.cpp" line="301"/>
        <source>Building the diff…</source>
        <translation>Diff wird erstellt …</translation>
    </message>
    <message>
        <location filename="../ui/diff/DiffView.cpp" line="414"/>
        <source>No file changes</source>
        <translation>Keine Dateiänderungen</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/diff/DiffView.cpp" line="416"/>
        <source>%n file(s), +%1 −%2</source>
        <translation>
            <numerusform>%n Datei, +%1 −%2</numerusform>
            <numerusform>%n Dateien, +%1 −%2</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>interlock::ui::EditDialog</name>
    <message>
        <location filename="../ui/EditDialog.cpp" line="54"/>
        <source>Edit before approving: %1</source>
        <translation>Vor der Freigabe bearbeiten: %1</translation>
    </message>
    <message>
        <location filename="../ui/EditDialog.cpp" line="62"/>
        <source>Approve edited</source>
        <translation>Bearbeitet freigeben</translation>
    </message>
    <message>
        <location filename="../ui/EditDialog.cpp" line="80"/>
        <source>The payload the agent will run with (JSON). Your edit is scored for risk again; the agent&apos;s version is kept.</source>
        <translation>Die Nutzdaten, mit denen der Agent arbeitet (JSON). Ihre Bearbeitung wird erneut auf Risiko bewertet; die Fassung des Agenten bleibt erhalten.</translation>
    </message>
    <message>
        <location filename="../ui/EditDialog.cpp" line="130"/>
        <source>Line %1, column %2: %3</source>
        <translation>Zeile %1, Spalte %2: %3</translation>
    </message>
    <message>
        <location filename="../ui/EditDialog.cpp" line="134"/>
        <source>The payload must be a JSON object ({ … }).</source>
        <translation>Die Nutzdaten müssen ein JSON-Objekt sein ({ … }).</translation>
    </message>
    <message>
        <location filename="../ui/EditDialog.cpp" line="154"/>
        <source>No change yet: edit the payload, or use Approve instead.</source>
        <translation>Noch keine Änderung: Nutzdaten bearbeiten oder stattdessen „Freigeben“ verwenden.</translation>
    </message>
    <message>
        <location filename="../ui/EditDialog.cpp" line="156"/>
        <source>Valid JSON. The diff shows your edit against the agent&apos;s version.</source>
        <translation>Gültiges JSON. Der Diff zeigt Ihre Bearbeitung gegenüber der Fassung des Agenten.</translation>
    </message>
</context>
<context>
    <name>interlock::ui::GrantArgumentsButton</name>
    <message>
        <location filename="../ui/safety/GrantArgumentsButton.cpp" line="58"/>
        <source>Which arguments a repeat must have with the same values for the grant to approve it; the others may differ</source>
        <translation>Welche Argumente eine Wiederholung mit denselben Werten haben muss, damit die Freigabe sie genehmigt; die anderen dürfen abweichen</translation>
    </message>
    <message>
        <location filename="../ui/safety/GrantArgumentsButton.cpp" line="61"/>
        <source>This call has more than %1 arguments: a repeat must have all of them equal</source>
        <translation>Dieser Aufruf hat mehr als %1 Argumente: eine Wiederholung muss alle gleich haben</translation>
    </message>
    <message>
        <location filename="../ui/safety/GrantArgumentsButton.cpp" line="64"/>
        <source>A repeat must have this argument equal</source>
        <translation>Eine Wiederholung muss dieses Argument gleich haben</translation>
    </message>
    <message>
        <location filename="../ui/safety/GrantArgumentsButton.cpp" line="112"/>
        <source>comparing every argument</source>
        <translation>vergleicht jedes Argument</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/safety/GrantArgumentsButton.cpp" line="114"/>
        <source>comparing all %n argument(s)</source>
        <translation>
            <numerusform>vergleicht %n Argument</numerusform>
            <numerusform>vergleicht alle %n Argumente</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/safety/GrantArgumentsButton.cpp" line="116"/>
        <source>comparing %1 of %n argument(s)</source>
        <translation>
            <numerusform>vergleicht %1 von %n Argument</numerusform>
            <numerusform>vergleicht %1 von %n Argumenten</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>interlock::ui::GrantListModel</name>
    <message>
        <location filename="../ui/safety/GrantListModel.cpp" line="60"/>
        <source>%1 in %2</source>
        <translation>%1 in %2</translation>
    </message>
    <message>
        <location filename="../ui/safety/GrantListModel.cpp" line="83"/>
        <source>Grant %1, made from action %2</source>
        <translation>Erlaubnis %1, erteilt bei Aktion %2</translation>
    </message>
    <message>
        <location filename="../ui/safety/GrantListModel.cpp" line="104"/>
        <source>revoked by %1</source>
        <translation>widerrufen von %1</translation>
    </message>
    <message>
        <location filename="../ui/safety/GrantListModel.cpp" line="106"/>
        <source>expired</source>
        <translation>abgelaufen</translation>
    </message>
    <message>
        <location filename="../ui/safety/GrantListModel.cpp" line="107"/>
        <source>active</source>
        <translation>aktiv</translation>
    </message>
    <message>
        <location filename="../ui/safety/GrantListModel.cpp" line="120"/>
        <source>Agent</source>
        <translation>Agent</translation>
    </message>
    <message>
        <location filename="../ui/safety/GrantListModel.cpp" line="122"/>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <location filename="../ui/safety/GrantListModel.cpp" line="124"/>
        <source>Allows exactly</source>
        <translation>Erlaubt genau</translation>
    </message>
    <message>
        <location filename="../ui/safety/GrantListModel.cpp" line="126"/>
        <source>Target</source>
        <translation>Ziel</translation>
    </message>
    <message>
        <location filename="../ui/safety/GrantListModel.cpp" line="128"/>
        <source>Made by</source>
        <translation>Erteilt von</translation>
    </message>
    <message>
        <location filename="../ui/safety/GrantListModel.cpp" line="130"/>
        <source>Expires</source>
        <translation>Läuft ab</translation>
    </message>
    <message>
        <location filename="../ui/safety/GrantListModel.cpp" line="132"/>
        <source>Uses</source>
        <translation>Verwendet</translation>
    </message>
    <message>
        <location filename="../ui/safety/GrantListModel.cpp" line="134"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
</context>
<context>
    <name>interlock::ui::GrantsPanel</name>
    <message>
        <location filename="../ui/safety/GrantsPanel.cpp" line="25"/>
        <source>Revoke…</source>
        <translation>Widerrufen…</translation>
    </message>
    <message>
        <location filename="../ui/safety/GrantsPanel.cpp" line="28"/>
        <source>Active grants</source>
        <translation>Aktive Erlaubnisse</translation>
    </message>
    <message>
        <location filename="../ui/safety/GrantsPanel.cpp" line="29"/>
        <source>All grants</source>
        <translation>Alle Erlaubnisse</translation>
    </message>
    <message>
        <location filename="../ui/safety/GrantsPanel.cpp" line="30"/>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <location filename="../ui/safety/GrantsPanel.cpp" line="31"/>
        <source>Standing grants approve exact repeats of one low or medium action by the same agent until they expire.</source>
        <translation>Dauerhafte Erlaubnisse geben genaue Wiederholungen einer Aktion mit niedrigem oder mittlerem Risiko desselben Agenten frei, bis sie ablaufen.</translation>
    </message>
    <message>
        <location filename="../ui/safety/GrantsPanel.cpp" line="78"/>
        <source>The grants could not be loaded: %1</source>
        <translation>Die Erlaubnisse konnten nicht geladen werden: %1</translation>
    </message>
    <message>
        <location filename="../ui/safety/GrantsPanel.cpp" line="127"/>
        <source>Revoke grant</source>
        <translation>Erlaubnis widerrufen</translation>
    </message>
    <message>
        <location filename="../ui/safety/GrantsPanel.cpp" line="128"/>
        <source>Revoke the grant %1? From now on %2 asks again for: %3</source>
        <translation>Erlaubnis %1 widerrufen? Ab jetzt fragt %2 wieder nach: %3</translation>
    </message>
    <message>
        <location filename="../ui/safety/GrantsPanel.cpp" line="132"/>
        <source>Revoke</source>
        <translation>Widerrufen</translation>
    </message>
</context>
<context>
    <name>interlock::ui::HistoryCharts</name>
    <message>
        <location filename="../ui/history/HistoryCharts.cpp" line="35"/>
        <source>Approved</source>
        <translation>Freigegeben</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryCharts.cpp" line="37"/>
        <source>Edited</source>
        <translation>Bearbeitet</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryCharts.cpp" line="39"/>
        <source>Rejected</source>
        <translation>Abgelehnt</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryCharts.cpp" line="41"/>
        <source>Expired</source>
        <translation>Abgelaufen</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryCharts.cpp" line="42"/>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryCharts.cpp" line="100"/>
        <source>Decisions per week by outcome</source>
        <translation>Entscheidungen pro Woche nach Ergebnis</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryCharts.cpp" line="101"/>
        <source>Decisions per day by outcome</source>
        <translation>Entscheidungen pro Tag nach Ergebnis</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryCharts.cpp" line="122"/>
        <source>Decisions</source>
        <translation>Entscheidungen</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryCharts.cpp" line="132"/>
        <source>n/a</source>
        <translation>k. A.</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryCharts.cpp" line="135"/>
        <source>Time to decision (median %1, 90th percentile %2)</source>
        <translation>Zeit bis zur Entscheidung (Median %1, 90. Perzentil %2)</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryCharts.cpp" line="158"/>
        <source>%1 decided actions: %2. Median time to decision %3, 90th percentile %4.</source>
        <translation>%1 entschiedene Aktionen: %2. Median der Zeit bis zur Entscheidung %3, 90. Perzentil %4.</translation>
    </message>
</context>
<context>
    <name>interlock::ui::HistoryModel</name>
    <message>
        <location filename="../ui/history/HistoryModel.cpp" line="76"/>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryModel.cpp" line="79"/>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryModel.cpp" line="81"/>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryModel.cpp" line="82"/>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryModel.cpp" line="123"/>
        <source>%1 (submitted: %2 %3)</source>
        <translation>%1 (eingereicht: %2 %3)</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryModel.cpp" line="154"/>
        <source>Decided</source>
        <translation>Entschieden</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryModel.cpp" line="156"/>
        <source>Outcome</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryModel.cpp" line="158"/>
        <source>Risk</source>
        <translation>Risiko</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryModel.cpp" line="160"/>
        <source>Agent</source>
        <translation>Agent</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryModel.cpp" line="162"/>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryModel.cpp" line="164"/>
        <source>Title</source>
        <translation>Titel</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryModel.cpp" line="166"/>
        <source>Decided by</source>
        <translation>Entschieden von</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryModel.cpp" line="168"/>
        <source>Time to decision</source>
        <translation>Zeit bis zur Entscheidung</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryModel.cpp" line="170"/>
        <source>Read for</source>
        <translation>Gelesen</translation>
    </message>
</context>
<context>
    <name>interlock::ui::HistoryView</name>
    <message>
        <location filename="../ui/history/HistoryView.cpp" line="57"/>
        <source>Export…</source>
        <translation>Exportieren …</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryView.cpp" line="63"/>
        <source>any agent</source>
        <translation>alle Agenten</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryView.cpp" line="64"/>
        <source>any reviewer</source>
        <translation>alle Prüfenden</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryView.cpp" line="67"/>
        <source>Any outcome</source>
        <translation>Jedes Ergebnis</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryView.cpp" line="68"/>
        <source>Approved</source>
        <translation>Freigegeben</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryView.cpp" line="69"/>
        <source>Edited</source>
        <translation>Bearbeitet</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryView.cpp" line="70"/>
        <source>Rejected</source>
        <translation>Abgelehnt</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryView.cpp" line="71"/>
        <source>Expired</source>
        <translation>Abgelaufen</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryView.cpp" line="72"/>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryView.cpp" line="75"/>
        <source>risk ≥ </source>
        <translation>Risiko ≥ </translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryView.cpp" line="82"/>
        <source>Apply</source>
        <translation>Anwenden</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryView.cpp" line="88"/>
        <source>Verify integrity</source>
        <translation>Integrität prüfen</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryView.cpp" line="89"/>
        <source>Walk the hash-chained audit log on the server and show its head</source>
        <translation>Die Hash-Kette des Prüfprotokolls auf dem Server durchlaufen und ihren Kopf anzeigen</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryView.cpp" line="93"/>
        <source>From</source>
        <translation>Von</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryView.cpp" line="95"/>
        <source>to</source>
        <translation>bis</translation>
    </message>
    <message>
        <source>History: %1</source>
        <translation type="vanished">Verlauf: %1</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryView.cpp" line="126"/>
        <source>The history could not be read, so no part of it is shown: %1. Apply tries again.</source>
        <translation>Der Verlauf konnte nicht gelesen werden, daher wird nichts davon gezeigt: %1. „Anwenden“ versucht es erneut.</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryView.cpp" line="136"/>
        <source>What the agent asked for (left) and what was approved (right)</source>
        <translation>Was der Agent beantragt hat (links) und was freigegeben wurde (rechts)</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryView.cpp" line="149"/>
        <source>Decisions</source>
        <translation>Entscheidungen</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryView.cpp" line="150"/>
        <source>Charts</source>
        <translation>Diagramme</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryView.cpp" line="221"/>
        <source>%1 · %2 by %3 at %4, %5 after it was submitted.</source>
        <translation>%1 · %2 von %3 am %4, %5 nach dem Einreichen.</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryView.cpp" line="229"/>
        <source>Approvals: %1</source>
        <translation>Freigaben: %1</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryView.cpp" line="232"/>
        <source>Comment: %1</source>
        <translation>Kommentar: %1</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryView.cpp" line="235"/>
        <source>Cancelled by %1 at %2: %3</source>
        <translation>Abgebrochen von %1 um %2: %3</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryView.cpp" line="241"/>
        <source>Risk of what was decided: %1</source>
        <translation>Risiko dessen, was entschieden wurde: %1</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryView.cpp" line="243"/>
        <source>The reviewer edited the payload before approving it.</source>
        <translation>Die Nutzdaten wurden vor der Freigabe bearbeitet.</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryView.cpp" line="244"/>
        <source>No edit: what was decided is exactly what the agent submitted.</source>
        <translation>Keine Bearbeitung: Entschieden wurde genau das, was der Agent eingereicht hat.</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryView.cpp" line="282"/>
        <source>Verifying the audit chain…</source>
        <translation>Prüfprotokoll wird verifiziert …</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryView.cpp" line="288"/>
        <source>Could not verify: %1</source>
        <translation>Prüfung nicht möglich: %1</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryView.cpp" line="290"/>
        <source>Intact: %1 audit entries, head hash %2</source>
        <translation>Unversehrt: %1 Protokolleinträge, Kopf-Hash %2</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryView.cpp" line="296"/>
        <source>NOT INTACT: entry %1: %2. The history may have been altered.</source>
        <translation>NICHT UNVERSEHRT: Eintrag %1: %2. Der Verlauf wurde möglicherweise verändert.</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryView.cpp" line="310"/>
        <source>Export history</source>
        <translation>Verlauf exportieren</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryView.cpp" line="312"/>
        <source>CSV (*.csv);;JSON (*.json)</source>
        <translation>CSV (*.csv);;JSON (*.json)</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryView.cpp" line="326"/>
        <source>Cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryView.cpp" line="332"/>
        <source>Exporting…</source>
        <translation>Exportiere …</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryView.cpp" line="336"/>
        <source>Exporting… %1</source>
        <translation>Exportiere … %1</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryView.cpp" line="353"/>
        <source>Exported %1 to %2</source>
        <translation>%1 nach %2 exportiert</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryView.cpp" line="354"/>
        <source>Export failed: %1</source>
        <translation>Export fehlgeschlagen: %1</translation>
    </message>
    <message>
        <location filename="../ui/history/HistoryView.cpp" line="355"/>
        <source>cannot write the file</source>
        <translation>Datei kann nicht geschrieben werden</translation>
    </message>
</context>
<context>
    <name>interlock::ui::MainWindow</name>
    <message>
        <location filename="../ui/MainWindow.cpp" line="55"/>
        <source>Interlock</source>
        <translation>Interlock</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="86"/>
        <source>Loading the queue: %L1 actions so far…</source>
        <translation>Warteschlange wird geladen: bisher %L1 Aktionen …</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="118"/>
        <source>The queue could not be loaded: %1 The list below is not the server&apos;s queue.</source>
        <translation>Die Warteschlange konnte nicht geladen werden: %1 Die Liste unten ist nicht die Warteschlange des Servers.</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="133"/>
        <location filename="../ui/MainWindow.cpp" line="431"/>
        <source>&amp;Approve</source>
        <translation>&amp;Freigeben</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="135"/>
        <source>Approve the selected action as it is (Ctrl+Return)</source>
        <translation>Die ausgewählte Aktion unverändert freigeben (Strg+Eingabe)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="138"/>
        <location filename="../ui/MainWindow.cpp" line="432"/>
        <source>&amp;Edit…</source>
        <translation>&amp;Bearbeiten …</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="140"/>
        <source>Edit the payload, then approve your version (E)</source>
        <translation>Nutzdaten bearbeiten, dann Ihre Fassung freigeben (E)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="143"/>
        <source>&amp;Reject…</source>
        <translation>&amp;Ablehnen …</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="145"/>
        <source>Reject the selected action with a reason (R)</source>
        <translation>Die ausgewählte Aktion mit Begründung ablehnen (R)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="148"/>
        <source>■ Emergency stop</source>
        <translation>■ Notstopp</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="151"/>
        <source>Kill the session of the selected action now, without asking (Ctrl+K)</source>
        <translation>Die Sitzung der ausgewählten Aktion sofort ohne Rückfrage beenden (Strg+K)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="154"/>
        <source>Stop all agents…</source>
        <translation>Alle Agenten stoppen …</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="156"/>
        <source>Kill every active agent session (Ctrl+Shift+K, then Enter)</source>
        <translation>Alle aktiven Agentensitzungen beenden (Strg+Umschalt+K, dann Eingabe)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="159"/>
        <source>Kill session</source>
        <translation>Sitzung beenden</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="160"/>
        <source>Kill the session selected in this list</source>
        <translation>Die in dieser Liste ausgewählte Sitzung beenden</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="163"/>
        <source>Next action</source>
        <translation>Nächste Aktion</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="166"/>
        <source>Previous action</source>
        <translation>Vorherige Aktion</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="169"/>
        <source>Find</source>
        <translation>Suchen</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="174"/>
        <source>Connect an agent…</source>
        <translation>Agent verbinden …</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="178"/>
        <source>&amp;Settings…</source>
        <translation>&amp;Einstellungen …</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="187"/>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="191"/>
        <source>&amp;Console</source>
        <translation>&amp;Konsole</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="195"/>
        <source>&amp;Queue</source>
        <translation>&amp;Warteschlange</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="197"/>
        <source>&amp;Agents</source>
        <translation>&amp;Agenten</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="205"/>
        <source>Decisions</source>
        <translation>Entscheidungen</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="294"/>
        <source>Acknowledge</source>
        <translation>Bestätigen</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="306"/>
        <source>Queue</source>
        <translation>Warteschlange</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="326"/>
        <source>Agent sessions</source>
        <translation>Agentensitzungen</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="355"/>
        <source>%1, but the queue could not be loaded</source>
        <translation>%1, aber die Warteschlange konnte nicht geladen werden</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/MainWindow.cpp" line="431"/>
        <source>&amp;Approve (read %n s)</source>
        <translation>
            <numerusform>&amp;Freigeben (noch %n s lesen)</numerusform>
            <numerusform>&amp;Freigeben (noch %n s lesen)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/MainWindow.cpp" line="432"/>
        <source>&amp;Edit… (read %n s)</source>
        <translation>
            <numerusform>&amp;Bearbeiten … (noch %n s lesen)</numerusform>
            <numerusform>&amp;Bearbeiten … (noch %n s lesen)</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="464"/>
        <source>History</source>
        <translation>Verlauf</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="469"/>
        <source>Read-only: signed in as manager</source>
        <translation>Nur lesen: als Manager angemeldet</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="543"/>
        <source>Reject action</source>
        <translation>Aktion ablehnen</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="544"/>
        <source>Why is this action rejected? The agent receives this text.</source>
        <translation>Warum wird diese Aktion abgelehnt? Der Agent erhält diesen Text.</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="579"/>
        <source>Stop all agents</source>
        <translation>Alle Agenten stoppen</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="580"/>
        <source>Kill every active agent session now? Their pending actions are cancelled and supervised agents are terminated.</source>
        <translation>Alle aktiven Agentensitzungen jetzt beenden? Ihre offenen Aktionen werden abgebrochen und überwachte Agenten beendet.</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="583"/>
        <source>Stop all</source>
        <translation>Alle stoppen</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="609"/>
        <source>Receipt violation: %1</source>
        <translation>Quittungsverstoß: %1</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="610"/>
        <source>%1 receipt violations; latest: %2</source>
        <translation>%1 Quittungsverstöße; zuletzt: %2</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="640"/>
        <source>Connect an agent</source>
        <translation>Agent verbinden</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="643"/>
        <source>Agents open a session with this enrollment token, then submit actions and wait for decisions. Or run one under the supervisor: interlockctl run --agent NAME -- CMD</source>
        <translation>Agenten öffnen mit diesem Registrierungstoken eine Sitzung, reichen dann Aktionen ein und warten auf Entscheidungen. Oder einen Agenten unter dem Supervisor starten: interlockctl run --agent NAME -- CMD</translation>
    </message>
</context>
<context>
    <name>interlock::ui::Notifier</name>
    <message>
        <location filename="../ui/safety/Notifier.cpp" line="110"/>
        <source>“%1” from %2</source>
        <translation>„%1“ von %2</translation>
    </message>
    <message>
        <location filename="../ui/safety/Notifier.cpp" line="136"/>
        <source>Circuit breaker killed %1</source>
        <translation>Schutzschalter hat %1 beendet</translation>
    </message>
    <message>
        <location filename="../ui/safety/Notifier.cpp" line="137"/>
        <source>Circuit breaker froze %1</source>
        <translation>Schutzschalter hat %1 eingefroren</translation>
    </message>
    <message>
        <location filename="../ui/safety/Notifier.cpp" line="138"/>
        <source>Rule %1: %2</source>
        <translation>Regel %1: %2</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/safety/Notifier.cpp" line="139"/>
        <source>(%n trips)</source>
        <translation>
            <numerusform>(%n Auslösung)</numerusform>
            <numerusform>(%n Auslösungen)</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/safety/Notifier.cpp" line="146"/>
        <source>Receipt violation</source>
        <translation>Abweichende Ausführung</translation>
    </message>
    <message>
        <location filename="../ui/safety/Notifier.cpp" line="147"/>
        <source>%1 reported running something other than what was approved: %2</source>
        <translation>%1 meldet, etwas anderes ausgeführt zu haben als freigegeben: %2</translation>
    </message>
    <message>
        <location filename="../ui/safety/Notifier.cpp" line="154"/>
        <source>Kill not confirmed</source>
        <translation>Abbruch nicht bestätigt</translation>
    </message>
    <message>
        <location filename="../ui/safety/Notifier.cpp" line="155"/>
        <source>Session %1 was killed, but its supervisor did not report the agent&apos;s processes reaped: the agent may still be running.</source>
        <translation>Sitzung %1 wurde beendet, aber ihr Supervisor hat nicht gemeldet, dass die Prozesse des Agenten abgeräumt sind: Der Agent läuft möglicherweise noch.</translation>
    </message>
    <message>
        <location filename="../ui/safety/Notifier.cpp" line="169"/>
        <source>%1 risk action waits for a decision</source>
        <translation>Aktion mit Risiko %1 wartet auf eine Entscheidung</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/safety/Notifier.cpp" line="170"/>
        <source>%n new actions wait for a decision</source>
        <translation>
            <numerusform>%n neue Aktion wartet auf eine Entscheidung</numerusform>
            <numerusform>%n neue Aktionen warten auf eine Entscheidung</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/safety/Notifier.cpp" line="171"/>
        <source>%1 · %2 (%3)</source>
        <translation>%1 · %2 (%3)</translation>
    </message>
    <message>
        <location filename="../ui/safety/Notifier.cpp" line="181"/>
        <source>Supervisor not answering</source>
        <translation>Überwacher antwortet nicht</translation>
    </message>
    <message>
        <location filename="../ui/safety/Notifier.cpp" line="182"/>
        <source>The supervisor of session %1 stopped answering liveness checks: the agent may be running unguarded.</source>
        <translation>Der Überwacher der Sitzung %1 antwortet nicht mehr auf Lebenszeichen-Prüfungen: Der Agent läuft womöglich unbewacht.</translation>
    </message>
</context>
<context>
    <name>interlock::ui::QueueFilterBar</name>
    <message>
        <location filename="../ui/QueueFilterBar.cpp" line="25"/>
        <source>Filter: agent, kind, title, target (Ctrl+F)</source>
        <translation>Filter: Agent, Art, Titel, Ziel (Strg+F)</translation>
    </message>
    <message>
        <location filename="../ui/QueueFilterBar.cpp" line="30"/>
        <source>Pending</source>
        <translation>Offen</translation>
    </message>
    <message>
        <location filename="../ui/QueueFilterBar.cpp" line="31"/>
        <source>Approved</source>
        <translation>Freigegeben</translation>
    </message>
    <message>
        <location filename="../ui/QueueFilterBar.cpp" line="32"/>
        <source>Rejected</source>
        <translation>Abgelehnt</translation>
    </message>
    <message>
        <location filename="../ui/QueueFilterBar.cpp" line="33"/>
        <source>Expired</source>
        <translation>Abgelaufen</translation>
    </message>
    <message>
        <location filename="../ui/QueueFilterBar.cpp" line="34"/>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <location filename="../ui/QueueFilterBar.cpp" line="34"/>
        <source>All</source>
        <translation>Alle</translation>
    </message>
    <message>
        <location filename="../ui/QueueFilterBar.cpp" line="36"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../ui/QueueFilterBar.cpp" line="42"/>
        <source>Show only actions at or above this risk level</source>
        <translation>Nur Aktionen ab dieser Risikostufe zeigen</translation>
    </message>
    <message>
        <location filename="../ui/QueueFilterBar.cpp" line="44"/>
        <source>Any risk</source>
        <translation>Jedes Risiko</translation>
    </message>
    <message>
        <location filename="../ui/QueueFilterBar.cpp" line="44"/>
        <source>Medium and up</source>
        <translation>Ab mittel</translation>
    </message>
    <message>
        <location filename="../ui/QueueFilterBar.cpp" line="44"/>
        <source>High and up</source>
        <translation>Ab hoch</translation>
    </message>
    <message>
        <location filename="../ui/QueueFilterBar.cpp" line="44"/>
        <source>Critical only</source>
        <translation>Nur kritisch</translation>
    </message>
    <message>
        <location filename="../ui/QueueFilterBar.cpp" line="48"/>
        <source>Agent</source>
        <translation>Agent</translation>
    </message>
    <message>
        <location filename="../ui/QueueFilterBar.cpp" line="49"/>
        <source>Kind of action</source>
        <translation>Art der Aktion</translation>
    </message>
    <message>
        <location filename="../ui/QueueFilterBar.cpp" line="96"/>
        <source>All agents</source>
        <translation>Alle Agenten</translation>
    </message>
    <message>
        <location filename="../ui/QueueFilterBar.cpp" line="97"/>
        <source>All kinds</source>
        <translation>Alle Arten</translation>
    </message>
</context>
<context>
    <name>interlock::ui::ReviewTimeChart</name>
    <message>
        <location filename="../ui/history/ReviewTimeChart.cpp" line="33"/>
        <source>Median review time (s)</source>
        <translation>Median der Lesezeit (s)</translation>
    </message>
    <message>
        <location filename="../ui/history/ReviewTimeChart.cpp" line="46"/>
        <source>%1 (%2 % of approvals within 2 s)</source>
        <translation>%1 (%2 % der Freigaben innerhalb von 2 s)</translation>
    </message>
    <message>
        <location filename="../ui/history/ReviewTimeChart.cpp" line="47"/>
        <source>%1: median %2, %3 of %4 approvals within 2 s</source>
        <translation>%1: Median %2, %3 von %4 Freigaben innerhalb von 2 s</translation>
    </message>
    <message>
        <location filename="../ui/history/ReviewTimeChart.cpp" line="49"/>
        <source>n/a</source>
        <translation>k. A.</translation>
    </message>
    <message>
        <location filename="../ui/history/ReviewTimeChart.cpp" line="57"/>
        <source>Reading time per reviewer (median; share approved within 2 s)</source>
        <translation>Lesezeit pro Prüfer (Median; Anteil der Freigaben innerhalb von 2 s)</translation>
    </message>
    <message>
        <location filename="../ui/history/ReviewTimeChart.cpp" line="77"/>
        <source>No reviewer decisions in this range.</source>
        <translation>Keine Entscheidungen von Prüfern in diesem Zeitraum.</translation>
    </message>
</context>
<context>
    <name>interlock::ui::RunsWithBox</name>
    <message numerus="yes">
        <location filename="../ui/RunsWithBox.cpp" line="44"/>
        <source>⚠ Runs with %n setting(s) besides the command (environment, rights, sandbox, host, other fields): an approval runs them too</source>
        <translation>
            <numerusform>⚠ Läuft mit %n Einstellung außer dem Befehl (Umgebung, Rechte, Sandbox, Host, weitere Felder): eine Freigabe führt sie mit aus</numerusform>
            <numerusform>⚠ Läuft mit %n Einstellungen außer dem Befehl (Umgebung, Rechte, Sandbox, Host, weitere Felder): eine Freigabe führt sie mit aus</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/RunsWithBox.cpp" line="47"/>
        <source>Runs with</source>
        <translation>Läuft mit</translation>
    </message>
</context>
<context>
    <name>interlock::ui::SafetyBackend</name>
    <message>
        <location filename="../ui/safety/SafetyBackend.cpp" line="35"/>
        <source>You already resumed this session; a second, different person must resume it too.</source>
        <translation>Sie haben diese Sitzung bereits fortgesetzt; eine zweite, andere Person muss sie ebenfalls fortsetzen.</translation>
    </message>
    <message>
        <location filename="../ui/safety/SafetyBackend.cpp" line="37"/>
        <source>The session was not resumed: %1</source>
        <translation>Die Sitzung wurde nicht fortgesetzt: %1</translation>
    </message>
    <message>
        <location filename="../ui/safety/SafetyBackend.cpp" line="48"/>
        <source>Resumed the session of %1: it may submit again.</source>
        <translation>Sitzung von %1 fortgesetzt: Sie darf wieder Aktionen einreichen.</translation>
    </message>
    <message>
        <location filename="../ui/safety/SafetyBackend.cpp" line="50"/>
        <source>Your resume of %1 is recorded (%2 of %3); a second person must resume it too.</source>
        <translation>Ihre Fortsetzung von %1 ist vermerkt (%2 von %3); eine zweite Person muss sie ebenfalls fortsetzen.</translation>
    </message>
    <message>
        <location filename="../ui/safety/SafetyBackend.cpp" line="81"/>
        <source>The grant was not revoked: %1</source>
        <translation>Die Erlaubnis wurde nicht widerrufen: %1</translation>
    </message>
    <message>
        <location filename="../ui/safety/SafetyBackend.cpp" line="82"/>
        <source>Revoked the grant %1: nothing more is approved by it.</source>
        <translation>Erlaubnis %1 widerrufen: Sie gibt nichts mehr frei.</translation>
    </message>
    <message>
        <location filename="../ui/safety/SafetyBackend.cpp" line="92"/>
        <source>Not connected: the decisions were not sent.</source>
        <translation>Nicht verbunden: Die Entscheidungen wurden nicht gesendet.</translation>
    </message>
    <message>
        <location filename="../ui/safety/SafetyBackend.cpp" line="117"/>
        <source>“%1” (%2)</source>
        <translation>„%1“ (%2)</translation>
    </message>
    <message>
        <location filename="../ui/safety/SafetyBackend.cpp" line="119"/>
        <source>no longer pending</source>
        <translation>nicht mehr offen</translation>
    </message>
    <message>
        <location filename="../ui/safety/SafetyBackend.cpp" line="120"/>
        <source>not found</source>
        <translation>nicht gefunden</translation>
    </message>
    <message>
        <location filename="../ui/safety/SafetyBackend.cpp" line="126"/>
        <source>Nothing was decided: %1</source>
        <translation>Nichts wurde entschieden: %1</translation>
    </message>
    <message>
        <location filename="../ui/safety/SafetyBackend.cpp" line="128"/>
        <source>The server refused the bulk approval; nothing was decided. Only low and medium actions can be approved together. Refused: %1.</source>
        <translation>Der Server hat die gemeinsame Freigabe abgelehnt; nichts wurde entschieden. Nur Aktionen mit niedrigem und mittlerem Risiko können gemeinsam freigegeben werden. Abgelehnt: %1.</translation>
    </message>
    <message>
        <location filename="../ui/safety/SafetyBackend.cpp" line="131"/>
        <source>The server refused the bulk rejection; nothing was decided. Refused: %1.</source>
        <translation>Der Server hat die gemeinsame Ablehnung abgelehnt; nichts wurde entschieden. Abgelehnt: %1.</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/safety/SafetyBackend.cpp" line="154"/>
        <source>Approved %n action(s).</source>
        <translation>
            <numerusform>%n Aktion freigegeben.</numerusform>
            <numerusform>%n Aktionen freigegeben.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/safety/SafetyBackend.cpp" line="155"/>
        <source>Rejected %n action(s).</source>
        <translation>
            <numerusform>%n Aktion abgelehnt.</numerusform>
            <numerusform>%n Aktionen abgelehnt.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/safety/SafetyBackend.cpp" line="157"/>
        <source>%n could not be decided: %1</source>
        <translation>
            <numerusform>%n konnte nicht entschieden werden: %1</numerusform>
            <numerusform>%n konnten nicht entschieden werden: %1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>interlock::ui::SafetyController</name>
    <message>
        <location filename="../ui/safety/SafetyController.cpp" line="61"/>
        <source>Resume session…</source>
        <translation>Sitzung fortsetzen…</translation>
    </message>
    <message>
        <location filename="../ui/safety/SafetyController.cpp" line="62"/>
        <location filename="../ui/safety/SafetyController.cpp" line="201"/>
        <source>Approve selected…</source>
        <translation>Auswahl freigeben…</translation>
    </message>
    <message>
        <location filename="../ui/safety/SafetyController.cpp" line="63"/>
        <location filename="../ui/safety/SafetyController.cpp" line="203"/>
        <source>Reject selected…</source>
        <translation>Auswahl ablehnen…</translation>
    </message>
    <message>
        <location filename="../ui/safety/SafetyController.cpp" line="64"/>
        <source>Notifications…</source>
        <translation>Benachrichtigungen…</translation>
    </message>
    <message>
        <location filename="../ui/safety/SafetyController.cpp" line="66"/>
        <source>Allow the same for this agent:</source>
        <translation>Dasselbe für diesen Agenten erlauben:</translation>
    </message>
    <message>
        <location filename="../ui/safety/SafetyController.cpp" line="71"/>
        <source>Lift the circuit breaker&apos;s freeze of the session selected in this list (a person&apos;s decision)</source>
        <translation>Das Einfrieren der in dieser Liste gewählten Sitzung durch den Schutzschalter aufheben (die Entscheidung einer Person)</translation>
    </message>
    <message>
        <location filename="../ui/safety/SafetyController.cpp" line="73"/>
        <location filename="../ui/safety/SafetyController.cpp" line="208"/>
        <source>Approve every selected action (low and medium only), after one confirmation that lists them</source>
        <translation>Jede gewählte Aktion freigeben (nur niedriges und mittleres Risiko), nach einer Bestätigung, die sie auflistet</translation>
    </message>
    <message>
        <location filename="../ui/safety/SafetyController.cpp" line="75"/>
        <source>Reject every selected action with one reason</source>
        <translation>Jede gewählte Aktion mit einer Begründung ablehnen</translation>
    </message>
    <message>
        <location filename="../ui/safety/SafetyController.cpp" line="100"/>
        <source>no</source>
        <translation>nein</translation>
    </message>
    <message>
        <location filename="../ui/safety/SafetyController.cpp" line="101"/>
        <source>for 1 h</source>
        <translation>für 1 h</translation>
    </message>
    <message>
        <location filename="../ui/safety/SafetyController.cpp" line="102"/>
        <source>for 8 h</source>
        <translation>für 8 h</translation>
    </message>
    <message>
        <location filename="../ui/safety/SafetyController.cpp" line="103"/>
        <source>for 24 h</source>
        <translation>für 24 h</translation>
    </message>
    <message>
        <location filename="../ui/safety/SafetyController.cpp" line="122"/>
        <source>Grants</source>
        <translation>Erlaubnisse</translation>
    </message>
    <message>
        <location filename="../ui/safety/SafetyController.cpp" line="171"/>
        <source>Cannot open the action %1: %2</source>
        <translation>Die Aktion %1 kann nicht geöffnet werden: %2</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/safety/SafetyController.cpp" line="200"/>
        <source>Approve %n selected…</source>
        <translation>
            <numerusform>%n gewählte freigeben…</numerusform>
            <numerusform>%n gewählte freigeben…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/safety/SafetyController.cpp" line="202"/>
        <source>Reject %n selected…</source>
        <translation>
            <numerusform>%n gewählte ablehnen…</numerusform>
            <numerusform>%n gewählte ablehnen…</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/safety/SafetyController.cpp" line="206"/>
        <source>Only low and medium actions can be approved together: decide the high and critical ones one by one</source>
        <translation>Nur Aktionen mit niedrigem und mittlerem Risiko können gemeinsam freigegeben werden: Entscheiden Sie hohe und kritische einzeln</translation>
    </message>
    <message>
        <location filename="../ui/safety/SafetyController.cpp" line="224"/>
        <source>Only a pending action can be granted.</source>
        <translation>Nur eine offene Aktion kann dauerhaft erlaubt werden.</translation>
    </message>
    <message>
        <location filename="../ui/safety/SafetyController.cpp" line="226"/>
        <source>High and critical actions are never granted: each waits for a person.</source>
        <translation>Aktionen mit hohem oder kritischem Risiko werden nie dauerhaft erlaubt: Jede wartet auf eine Person.</translation>
    </message>
    <message>
        <location filename="../ui/safety/SafetyController.cpp" line="228"/>
        <source>Only shell.exec, fs.write and mcp.tool_call actions can be granted.</source>
        <translation>Nur shell.exec-, fs.write- und mcp.tool_call-Aktionen können dauerhaft erlaubt werden.</translation>
    </message>
    <message>
        <location filename="../ui/safety/SafetyController.cpp" line="230"/>
        <source>An action that needs more than one approval is never granted.</source>
        <translation>Eine Aktion, die mehr als eine Freigabe braucht, wird nie dauerhaft erlaubt.</translation>
    </message>
    <message>
        <location filename="../ui/safety/SafetyController.cpp" line="236"/>
        <source>A circuit breaker tripped for this session: nothing of it is granted.</source>
        <translation>Für diese Sitzung hat ein Schutzschalter ausgelöst: Nichts davon wird dauerhaft erlaubt.</translation>
    </message>
    <message>
        <location filename="../ui/safety/SafetyController.cpp" line="253"/>
        <source>With Approve, also approve exact repeats of this action by the same agent for this long (a standing grant, listed in the Grants tab)</source>
        <translation>Mit Freigeben auch genaue Wiederholungen dieser Aktion durch denselben Agenten so lange freigeben (eine dauerhafte Erlaubnis, im Reiter Erlaubnisse aufgeführt)</translation>
    </message>
    <message>
        <location filename="../ui/safety/SafetyController.cpp" line="303"/>
        <source>Circuit breaker %1 killed %2: %3</source>
        <translation>Schutzschalter %1 hat %2 beendet: %3</translation>
    </message>
    <message>
        <location filename="../ui/safety/SafetyController.cpp" line="304"/>
        <source>Circuit breaker %1 froze %2: %3. Nothing of it is accepted until a person resumes it (sessions panel).</source>
        <translation>Schutzschalter %1 hat %2 eingefroren: %3. Nichts davon wird angenommen, bis eine Person sie fortsetzt (Sitzungsliste).</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/safety/SafetyController.cpp" line="318"/>
        <source>… and %n more</source>
        <translation>
            <numerusform>… und %n weitere</numerusform>
            <numerusform>… und %n weitere</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/safety/SafetyController.cpp" line="336"/>
        <source>Approve %n actions</source>
        <translation>
            <numerusform>%n Aktion freigeben</numerusform>
            <numerusform>%n Aktionen freigeben</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/safety/SafetyController.cpp" line="337"/>
        <source>Approve these %n actions? Each gets its own decision and audit entry.</source>
        <translation>
            <numerusform>Diese %n Aktion freigeben? Jede erhält ihre eigene Entscheidung und ihren eigenen Audit-Eintrag.</numerusform>
            <numerusform>Diese %n Aktionen freigeben? Jede erhält ihre eigene Entscheidung und ihren eigenen Audit-Eintrag.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/safety/SafetyController.cpp" line="340"/>
        <source>Approve %n</source>
        <translation>
            <numerusform>%n freigeben</numerusform>
            <numerusform>%n freigeben</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/safety/SafetyController.cpp" line="350"/>
        <source>Reject %n actions</source>
        <translation>
            <numerusform>%n Aktion ablehnen</numerusform>
            <numerusform>%n Aktionen ablehnen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/safety/SafetyController.cpp" line="351"/>
        <source>Why are these %n actions rejected? Each agent receives this text.</source>
        <translation>
            <numerusform>Warum wird diese %n Aktion abgelehnt? Jeder Agent erhält diesen Text.</numerusform>
            <numerusform>Warum werden diese %n Aktionen abgelehnt? Jeder Agent erhält diesen Text.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/safety/SafetyController.cpp" line="366"/>
        <source>Resume the session of %1? It was frozen by the circuit breaker %2: %3. Once resumed it may submit again.</source>
        <translation>Sitzung von %1 fortsetzen? Sie wurde vom Schutzschalter %2 eingefroren: %3. Fortgesetzt darf sie wieder Aktionen einreichen.</translation>
    </message>
    <message>
        <location filename="../ui/safety/SafetyController.cpp" line="377"/>
        <source>This rule is critical: two different people must resume it. Yours is the first; a second person is needed.</source>
        <translation>Diese Regel ist kritisch: Zwei verschiedene Personen müssen fortsetzen. Ihre ist die erste; eine zweite Person wird gebraucht.</translation>
    </message>
    <message>
        <location filename="../ui/safety/SafetyController.cpp" line="379"/>
        <source>This rule is critical: two different people must resume it. Already resumed by: %1.</source>
        <translation>Diese Regel ist kritisch: Zwei verschiedene Personen müssen fortsetzen. Bereits fortgesetzt von: %1.</translation>
    </message>
    <message>
        <location filename="../ui/safety/SafetyController.cpp" line="383"/>
        <source>Resume session</source>
        <translation>Sitzung fortsetzen</translation>
    </message>
    <message>
        <location filename="../ui/safety/SafetyController.cpp" line="383"/>
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <location filename="../ui/safety/SafetyController.cpp" line="448"/>
        <source>Notifications</source>
        <translation>Benachrichtigungen</translation>
    </message>
    <message>
        <location filename="../ui/safety/SafetyController.cpp" line="450"/>
        <source>Desktop notifications while the console is not the active window. Clicking one opens what it is about.</source>
        <translation>Desktop-Benachrichtigungen, solange die Konsole nicht das aktive Fenster ist. Ein Klick darauf öffnet, worum es geht.</translation>
    </message>
    <message>
        <location filename="../ui/safety/SafetyController.cpp" line="457"/>
        <source>New critical actions</source>
        <translation>Neue kritische Aktionen</translation>
    </message>
    <message>
        <location filename="../ui/safety/SafetyController.cpp" line="458"/>
        <source>New high-risk actions</source>
        <translation>Neue Aktionen mit hohem Risiko</translation>
    </message>
    <message>
        <location filename="../ui/safety/SafetyController.cpp" line="459"/>
        <source>New medium-risk actions</source>
        <translation>Neue Aktionen mit mittlerem Risiko</translation>
    </message>
    <message>
        <location filename="../ui/safety/SafetyController.cpp" line="460"/>
        <source>New low-risk actions</source>
        <translation>Neue Aktionen mit niedrigem Risiko</translation>
    </message>
    <message>
        <location filename="../ui/safety/SafetyController.cpp" line="461"/>
        <source>Circuit breaker trips</source>
        <translation>Auslösungen von Schutzschaltern</translation>
    </message>
    <message>
        <location filename="../ui/safety/SafetyController.cpp" line="462"/>
        <source>Receipt violations</source>
        <translation>Abweichende Ausführungen</translation>
    </message>
    <message>
        <location filename="../ui/safety/SafetyController.cpp" line="463"/>
        <source>Supervisors that stop answering liveness checks</source>
        <translation>Überwacher, die nicht mehr auf Lebenszeichen-Prüfungen antworten</translation>
    </message>
    <message>
        <location filename="../ui/safety/SafetyController.cpp" line="472"/>
        <source>This desktop has no notification area: nothing can be shown here.</source>
        <translation>Dieser Desktop hat keinen Benachrichtigungsbereich: Hier kann nichts angezeigt werden.</translation>
    </message>
</context>
<context>
    <name>interlock::ui::SessionListModel</name>
    <message>
        <location filename="../ui/SessionListModel.cpp" line="46"/>
        <source>terminated, but reported %1 s after the kill</source>
        <translation>beendet, aber erst %1 s nach dem Abschuss gemeldet</translation>
    </message>
    <message>
        <location filename="../ui/SessionListModel.cpp" line="49"/>
        <source>terminated ✓ (%1 ms)</source>
        <translation>beendet ✓ (%1 ms)</translation>
    </message>
    <message>
        <location filename="../ui/SessionListModel.cpp" line="54"/>
        <source>killed · ⚠ not confirmed: the agent may still be running</source>
        <translation>abgeschossen · ⚠ nicht bestätigt: Der Agent läuft möglicherweise noch</translation>
    </message>
    <message>
        <location filename="../ui/SessionListModel.cpp" line="55"/>
        <source>killed</source>
        <translation>abgeschossen</translation>
    </message>
    <message>
        <location filename="../ui/SessionListModel.cpp" line="57"/>
        <source>ended</source>
        <translation>geendet</translation>
    </message>
    <message>
        <location filename="../ui/SessionListModel.cpp" line="61"/>
        <source>active</source>
        <translation>aktiv</translation>
    </message>
    <message>
        <location filename="../ui/SessionListModel.cpp" line="61"/>
        <source>active · %1</source>
        <translation>aktiv · %1</translation>
    </message>
    <message>
        <location filename="../ui/SessionListModel.cpp" line="85"/>
        <source>%1: %2 of %3 rejections in a row allowed</source>
        <translation>%1: %2 von %3 erlaubten Ablehnungen in Folge</translation>
    </message>
    <message>
        <location filename="../ui/SessionListModel.cpp" line="86"/>
        <source>%1: %2 of %3 allowed in %4 s</source>
        <translation>%1: %2 von %3 erlaubten in %4 s</translation>
    </message>
    <message>
        <location filename="../ui/SessionListModel.cpp" line="100"/>
        <source>every session of this agent</source>
        <translation>alle Sitzungen dieses Agenten</translation>
    </message>
    <message>
        <location filename="../ui/SessionListModel.cpp" line="101"/>
        <source>this session</source>
        <translation>diese Sitzung</translation>
    </message>
    <message>
        <location filename="../ui/SessionListModel.cpp" line="104"/>
        <source>%1 in the last %2 s</source>
        <translation>%1 in den letzten %2 s</translation>
    </message>
    <message>
        <location filename="../ui/SessionListModel.cpp" line="107"/>
        <source>%1 in a row</source>
        <translation>%1 in Folge</translation>
    </message>
    <message>
        <location filename="../ui/SessionListModel.cpp" line="108"/>
        <source>%1 (%2, %3): %4; it acts above %5</source>
        <translation>%1 (%2, %3): %4; greift über %5</translation>
    </message>
    <message>
        <location filename="../ui/SessionListModel.cpp" line="124"/>
        <source>(critical: two people must resume it)</source>
        <translation>(kritisch: zwei Personen müssen fortsetzen)</translation>
    </message>
    <message>
        <location filename="../ui/SessionListModel.cpp" line="125"/>
        <source>(resumed by %1, %2 of %3)</source>
        <translation>(fortgesetzt von %1, %2 von %3)</translation>
    </message>
    <message>
        <location filename="../ui/SessionListModel.cpp" line="129"/>
        <source>frozen by %1%2: %3</source>
        <translation>eingefroren durch %1%2: %3</translation>
    </message>
    <message>
        <location filename="../ui/SessionListModel.cpp" line="146"/>
        <source>⚠ kill not confirmed by its supervisor</source>
        <translation>⚠ Abschuss von seinem Supervisor nicht bestätigt</translation>
    </message>
    <message>
        <location filename="../ui/SessionListModel.cpp" line="151"/>
        <source>not supervised</source>
        <translation>nicht überwacht</translation>
    </message>
    <message>
        <location filename="../ui/SessionListModel.cpp" line="155"/>
        <source>⚠ supervisor not answering: the agent may be running unguarded</source>
        <translation>⚠ Supervisor antwortet nicht: der Agent läuft womöglich unbewacht</translation>
    </message>
    <message>
        <location filename="../ui/SessionListModel.cpp" line="156"/>
        <source>⚠ supervisor not answering (verified %1 s ago): the agent may be running unguarded</source>
        <translation>⚠ Supervisor antwortet nicht (zuletzt bestätigt vor %1 s): der Agent läuft womöglich unbewacht</translation>
    </message>
    <message>
        <location filename="../ui/SessionListModel.cpp" line="161"/>
        <source>kill path not verified yet</source>
        <translation>Abbruchweg noch nicht bestätigt</translation>
    </message>
    <message>
        <location filename="../ui/SessionListModel.cpp" line="162"/>
        <source>kill path verified %1 s ago</source>
        <translation>Abbruchweg bestätigt vor %1 s</translation>
    </message>
    <message>
        <location filename="../ui/SessionListModel.cpp" line="181"/>
        <source>Toward its circuit breakers:</source>
        <translation>Stand seiner Schutzschalter:</translation>
    </message>
    <message>
        <location filename="../ui/SessionListModel.cpp" line="194"/>
        <source>The session was killed, but its supervisor did not report the agent&apos;s processes reaped: the agent may still be running. Check the machine it runs on.</source>
        <translation>Die Sitzung wurde beendet, aber ihr Supervisor hat nicht gemeldet, dass die Prozesse des Agenten abgeräumt sind: Der Agent läuft möglicherweise noch. Prüfen Sie die Maschine, auf der er läuft.</translation>
    </message>
    <message>
        <location filename="../ui/SessionListModel.cpp" line="204"/>
        <source>The supervisor did not answer the server&apos;s liveness check in time: a kill may not reach the agent. Check the machine it runs on.</source>
        <translation>Der Supervisor hat die Lebendprüfung des Servers nicht rechtzeitig beantwortet: ein Abbruch erreicht den Agenten womöglich nicht. Prüfen Sie den Rechner, auf dem er läuft.</translation>
    </message>
    <message>
        <location filename="../ui/SessionListModel.cpp" line="230"/>
        <source>none</source>
        <translation>keiner</translation>
    </message>
    <message>
        <location filename="../ui/SessionListModel.cpp" line="231"/>
        <source>none (claims “%1”)</source>
        <translation>keiner (angegeben: „%1“)</translation>
    </message>
    <message>
        <location filename="../ui/SessionListModel.cpp" line="250"/>
        <source>Agent</source>
        <translation>Agent</translation>
    </message>
    <message>
        <location filename="../ui/SessionListModel.cpp" line="252"/>
        <source>Owner</source>
        <translation>Eigentümer</translation>
    </message>
    <message>
        <location filename="../ui/SessionListModel.cpp" line="254"/>
        <source>Pending</source>
        <translation>Offen</translation>
    </message>
    <message>
        <location filename="../ui/SessionListModel.cpp" line="256"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../ui/SessionListModel.cpp" line="258"/>
        <source>Kill path</source>
        <translation>Abbruchweg</translation>
    </message>
</context>
<context>
    <name>interlock::ui::SettingsDialog</name>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="69"/>
        <source>Enter the server&apos;s address, e.g. http://interlock.corp:7878</source>
        <translation>Adresse des Servers eingeben, z. B. http://interlock.corp:7878</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="71"/>
        <source>“%1” is not a server address.</source>
        <translation>„%1“ ist keine Serveradresse.</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="73"/>
        <source>The address must start with http:// or https://.</source>
        <translation>Die Adresse muss mit http:// oder https:// beginnen.</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="75"/>
        <source>Plain http:// to another computer would send your token unencrypted: use https://, or allow insecure http:// below.</source>
        <translation>Unverschlüsseltes http:// zu einem anderen Rechner würde Ihr Token im Klartext senden: Verwenden Sie https:// oder erlauben Sie unten unsicheres http://.</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="87"/>
        <source>This computer: the console&apos;s own server</source>
        <translation>Dieser Computer: der eigene Server der Konsole</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="88"/>
        <source>A shared server (interlockd):</source>
        <translation>Ein gemeinsamer Server (interlockd):</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="92"/>
        <source>Allow plain http:// to this server (&amp;insecure)</source>
        <translation>Unverschlüsseltes http:// zu diesem Server erlauben (&amp;unsicher)</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="98"/>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="102"/>
        <source>(the system&apos;s trusted certificates)</source>
        <translation>(die vertrauenswürdigen Zertifikate des Systems)</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="105"/>
        <source>Warning: over plain http:// your token and every decision cross the network unencrypted; anyone on the way can read them and act in your name. Use it only on a network you trust, and prefer https://.</source>
        <translation>Warnung: Über unverschlüsseltes http:// gehen Ihr Token und jede Entscheidung im Klartext durchs Netz; jeder auf dem Weg kann sie lesen und in Ihrem Namen handeln. Nur in einem vertrauenswürdigen Netz verwenden, besser https://.</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="111"/>
        <source>(keep the saved token)</source>
        <translation>(gespeichertes Token behalten)</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="112"/>
        <source>ilk_… (from interlockctl token create)</source>
        <translation>ilk_… (aus interlockctl token create)</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="117"/>
        <source>&amp;Test connection</source>
        <translation>Verbindung &amp;testen</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="126"/>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="132"/>
        <source>Address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="133"/>
        <source>Token</source>
        <translation>Token</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="134"/>
        <location filename="../ui/SettingsDialog.cpp" line="159"/>
        <source>CA certificate</source>
        <translation>CA-Zertifikat</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="137"/>
        <source>The token is kept in your system&apos;s keychain (GNOME Keyring, KWallet, …), never in a file. Switching servers reconnects the console at once.</source>
        <translation>Das Token wird im Schlüsselbund des Systems (GNOME Keyring, KWallet, …) aufbewahrt, nie in einer Datei. Ein Serverwechsel verbindet die Konsole sofort neu.</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="143"/>
        <source>Connect to</source>
        <translation>Verbinden mit</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="160"/>
        <source>PEM certificates (*.pem *.crt);;All files (*)</source>
        <translation>PEM-Zertifikate (*.pem *.crt);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="183"/>
        <source>The CA certificate file cannot be used: %1</source>
        <translation>Die CA-Zertifikatsdatei ist nicht verwendbar: %1</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="185"/>
        <source>Enter a token for this server.</source>
        <translation>Token für diesen Server eingeben.</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="219"/>
        <source>Enter the token to test with.</source>
        <translation>Token zum Testen eingeben.</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="220"/>
        <source>The console&apos;s own server needs no test.</source>
        <translation>Der eigene Server der Konsole braucht keinen Test.</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="224"/>
        <source>Connecting to %1…</source>
        <translation>Verbinde mit %1 …</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="236"/>
        <source>Signed in as %1 (%2).</source>
        <translation>Angemeldet als %1 (%2).</translation>
    </message>
</context>
<context>
    <name>interlock::ui::TokenVault</name>
    <message>
        <location filename="../ui/TokenVault.cpp" line="21"/>
        <source>No keychain service (such as GNOME Keyring or KWallet) is running, so the token cannot be stored safely.</source>
        <translation>Es läuft kein Schlüsselbund-Dienst (etwa GNOME Keyring oder KWallet), daher kann das Token nicht sicher gespeichert werden.</translation>
    </message>
    <message>
        <location filename="../ui/TokenVault.cpp" line="26"/>
        <source>The keychain refused access (%1).</source>
        <translation>Der Schlüsselbund hat den Zugriff verweigert (%1).</translation>
    </message>
    <message>
        <location filename="../ui/TokenVault.cpp" line="29"/>
        <source>The keychain is not available (%1).</source>
        <translation>Der Schlüsselbund ist nicht verfügbar (%1).</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <location filename="../app/console/main.cpp" line="200"/>
        <source>No token is saved for %1 yet; it will be kept in your keychain.</source>
        <translation>Für %1 ist noch kein Token gespeichert; es wird in Ihrem Schlüsselbund abgelegt.</translation>
    </message>
    <message>
        <location filename="../app/console/main.cpp" line="204"/>
        <source>The token you enter is kept for this run only.</source>
        <translation>Das eingegebene Token gilt nur für diese Sitzung.</translation>
    </message>
    <message>
        <location filename="../app/console/main.cpp" line="208"/>
        <source>Interlock: sign in</source>
        <translation>Interlock: Anmelden</translation>
    </message>
    <message>
        <location filename="../app/console/main.cpp" line="210"/>
        <source>Token for %1:</source>
        <translation>Token für %1:</translation>
    </message>
</context>
</TS>
