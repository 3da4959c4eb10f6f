; Inno Setup 6 (6.3 or later) script: a per-user installer of the e2a bundle (no administrator rights).
; Built by packaging/windows/build-windows.ps1, which passes the values below:
;
;   ISCC /DAppVersion=0.1.0 /DBundleDir=...\dist\e2a /DIconFile=...\e2a.ico
;        /DOutputDir=...\build\windows packaging\windows\e2a.iss
;
; What it does: the bundle into %LOCALAPPDATA%\Programs\e2a; Start-menu entries "e2a" and
; "e2a node"; optionally a desktop icon, "Open with e2a" for the formats e2a reads (listed
; under HKCU, never made the default), and the folder on the user's PATH for e2a-cli and
; e2a-node-cli. The uninstaller removes all of that and the tray node's start-at-login
; value, if it set one; the user's voices, jobs and pairings (%LOCALAPPDATA%\e2a) stay.

#ifndef AppVersion
  #error Pass /DAppVersion=X.Y.Z (build-windows.ps1 does)
#endif
#ifndef BundleDir
  #define BundleDir "..\..\build\windows\dist\e2a"
#endif
#ifndef IconFile
  #define IconFile "..\..\build\windows\icons\e2a.ico"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\build\windows"
#endif

[Setup]
; The AppId ties upgrades and the uninstaller together: never change it.
AppId={{A0DD81ED-DA08-4BEB-9BD2-5305BC0EFFAC}
AppName=e2a
AppVersion={#AppVersion}
AppVerName=e2a {#AppVersion}
AppPublisher=e2a
PrivilegesRequired=lowest
DefaultDirName={localappdata}\Programs\e2a
DisableProgramGroupPage=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#OutputDir}
OutputBaseFilename=e2a-{#AppVersion}-windows-x64-setup
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\e2a.exe
UninstallDisplayName=e2a
WizardStyle=modern
Compression=lzma2/max
SolidCompression=yes
; Running copies (the tray node, often) are closed by the Restart Manager before files
; are replaced; the shell is told about new associations and the changed PATH.
CloseApplications=yes
ChangesAssociations=yes
ChangesEnvironment=yes

[Tasks]
Name: desktopicon; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: openwith; Description: "Offer e2a in ""Open with"" for EPUB, PDF, Kindle (MOBI, AZW3), FB2, Word, OpenDocument, HTML, Markdown and text files"; GroupDescription: "Files:"
Name: addtopath; Description: "Add e2a-cli and e2a-node-cli to PATH (the commands, for a terminal)"; GroupDescription: "Commands:"; Flags: unchecked

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\e2a"; Filename: "{app}\e2a.exe"; Comment: "Turn an ebook into an audiobook"
Name: "{autoprograms}\e2a node"; Filename: "{app}\e2a-node.exe"; Comment: "Lend this PC to e2a farms on the network"
Name: "{autodesktop}\e2a"; Filename: "{app}\e2a.exe"; Tasks: desktopicon

[Registry]
; "Open with": a ProgID of e2a's own, listed in each extension's OpenWithProgids. The
; extension's default value (which program a double-click uses) is never written.
Root: HKCU; Subkey: "Software\Classes\e2a.book"; ValueType: string; ValueName: ""; ValueData: "Book (e2a)"; Flags: uninsdeletekey; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\e2a.book\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\e2a.exe,0"; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\e2a.book\shell\open"; ValueType: string; ValueName: "FriendlyAppName"; ValueData: "e2a"; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\e2a.book\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\e2a.exe"" ""%1"""; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\Applications\e2a.exe"; ValueType: string; ValueName: "FriendlyAppName"; ValueData: "e2a"; Flags: uninsdeletekey; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\Applications\e2a.exe\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\e2a.exe"" ""%1"""; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\Applications\e2a.exe\SupportedTypes"; ValueType: string; ValueName: ".epub"; ValueData: ""; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\Applications\e2a.exe\SupportedTypes"; ValueType: string; ValueName: ".pdf"; ValueData: ""; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\Applications\e2a.exe\SupportedTypes"; ValueType: string; ValueName: ".mobi"; ValueData: ""; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\Applications\e2a.exe\SupportedTypes"; ValueType: string; ValueName: ".azw3"; ValueData: ""; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\Applications\e2a.exe\SupportedTypes"; ValueType: string; ValueName: ".azw"; ValueData: ""; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\Applications\e2a.exe\SupportedTypes"; ValueType: string; ValueName: ".fb2"; ValueData: ""; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\Applications\e2a.exe\SupportedTypes"; ValueType: string; ValueName: ".docx"; ValueData: ""; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\Applications\e2a.exe\SupportedTypes"; ValueType: string; ValueName: ".odt"; ValueData: ""; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\Applications\e2a.exe\SupportedTypes"; ValueType: string; ValueName: ".html"; ValueData: ""; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\Applications\e2a.exe\SupportedTypes"; ValueType: string; ValueName: ".htm"; ValueData: ""; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\Applications\e2a.exe\SupportedTypes"; ValueType: string; ValueName: ".xhtml"; ValueData: ""; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\Applications\e2a.exe\SupportedTypes"; ValueType: string; ValueName: ".md"; ValueData: ""; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\Applications\e2a.exe\SupportedTypes"; ValueType: string; ValueName: ".markdown"; ValueData: ""; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\Applications\e2a.exe\SupportedTypes"; ValueType: string; ValueName: ".txt"; ValueData: ""; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\Applications\e2a.exe\SupportedTypes"; ValueType: string; ValueName: ".text"; ValueData: ""; Tasks: openwith
; Each extension: the value is removed on uninstall, and the keys only if nothing else
; is left in them (other programs list themselves there too).
Root: HKCU; Subkey: "Software\Classes\.epub"; Flags: uninsdeletekeyifempty; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.epub\OpenWithProgids"; ValueType: string; ValueName: "e2a.book"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.pdf"; Flags: uninsdeletekeyifempty; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.pdf\OpenWithProgids"; ValueType: string; ValueName: "e2a.book"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.mobi"; Flags: uninsdeletekeyifempty; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.mobi\OpenWithProgids"; ValueType: string; ValueName: "e2a.book"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.azw3"; Flags: uninsdeletekeyifempty; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.azw3\OpenWithProgids"; ValueType: string; ValueName: "e2a.book"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.azw"; Flags: uninsdeletekeyifempty; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.azw\OpenWithProgids"; ValueType: string; ValueName: "e2a.book"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.fb2"; Flags: uninsdeletekeyifempty; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.fb2\OpenWithProgids"; ValueType: string; ValueName: "e2a.book"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.docx"; Flags: uninsdeletekeyifempty; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.docx\OpenWithProgids"; ValueType: string; ValueName: "e2a.book"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.odt"; Flags: uninsdeletekeyifempty; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.odt\OpenWithProgids"; ValueType: string; ValueName: "e2a.book"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.html"; Flags: uninsdeletekeyifempty; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.html\OpenWithProgids"; ValueType: string; ValueName: "e2a.book"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.htm"; Flags: uninsdeletekeyifempty; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.htm\OpenWithProgids"; ValueType: string; ValueName: "e2a.book"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.xhtml"; Flags: uninsdeletekeyifempty; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.xhtml\OpenWithProgids"; ValueType: string; ValueName: "e2a.book"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.md"; Flags: uninsdeletekeyifempty; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.md\OpenWithProgids"; ValueType: string; ValueName: "e2a.book"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.markdown"; Flags: uninsdeletekeyifempty; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.markdown\OpenWithProgids"; ValueType: string; ValueName: "e2a.book"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.txt"; Flags: uninsdeletekeyifempty; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.txt\OpenWithProgids"; ValueType: string; ValueName: "e2a.book"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.text"; Flags: uninsdeletekeyifempty; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.text\OpenWithProgids"; ValueType: string; ValueName: "e2a.book"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty; Tasks: openwith
; The commands on the user's PATH (taken off again by the uninstaller, [Code] below).
Root: HKCU; Subkey: "Environment"; ValueType: expandsz; ValueName: "Path"; ValueData: "{olddata};{app}"; Check: NotOnPath(ExpandConstant('{app}')); Tasks: addtopath

[Run]
Filename: "{app}\e2a.exe"; Description: "{cm:LaunchProgram,e2a}"; Flags: nowait postinstall skipifsilent

[UninstallRun]
; Files of a running program cannot be removed: stop every program of the folder first,
; the windowed ones and the console ones (`e2a-node-cli --headless` left running in a
; terminal, an `e2a-cli convert`), which share the _internal folder.
Filename: "{sys}\taskkill.exe"; Parameters: "/F /T /IM e2a-node.exe"; Flags: runhidden; RunOnceId: "StopNode"
Filename: "{sys}\taskkill.exe"; Parameters: "/F /T /IM e2a.exe"; Flags: runhidden; RunOnceId: "StopApp"
Filename: "{sys}\taskkill.exe"; Parameters: "/F /T /IM e2a-node-cli.exe"; Flags: runhidden; RunOnceId: "StopNodeCli"
Filename: "{sys}\taskkill.exe"; Parameters: "/F /T /IM e2a-cli.exe"; Flags: runhidden; RunOnceId: "StopAppCli"

[Code]
const
  RunKey = 'Software\Microsoft\Windows\CurrentVersion\Run';
  { The value the tray node's "Start at login" writes: APP_ID in e2a_node/autostart.py. }
  NodeRunValue = 'e2a-node';

function OnPath(Dir: string): Boolean;
var
  Path: string;
begin
  Result := RegQueryStringValue(HKCU, 'Environment', 'Path', Path)
    and (Pos(';' + Uppercase(Dir) + ';', ';' + Uppercase(Path) + ';') > 0);
end;

function NotOnPath(Dir: string): Boolean;
begin
  Result := not OnPath(Dir);
end;

procedure RemoveFromPath(Dir: string);
var
  Path: string;
  At: Integer;
begin
  if not RegQueryStringValue(HKCU, 'Environment', 'Path', Path) then
    exit;
  Path := ';' + Path + ';';
  At := Pos(';' + Uppercase(Dir) + ';', Uppercase(Path));
  if At = 0 then
    exit;
  Delete(Path, At, Length(Dir) + 1);
  Path := Copy(Path, 2, Length(Path) - 2);
  RegWriteExpandStringValue(HKCU, 'Environment', 'Path', Path);
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if CurUninstallStep = usUninstall then
  begin
    if RegValueExists(HKCU, RunKey, NodeRunValue) then
      RegDeleteValue(HKCU, RunKey, NodeRunValue);
    RemoveFromPath(ExpandConstant('{app}'));
  end;
end;
