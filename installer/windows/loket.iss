; Inno Setup script for Loket on Windows (Inno Setup 6.3 or newer).
;
; Build first:   pip install -e .[package]
;                pyinstaller --distpath dist installer\loket.spec   (gives dist\loket\)
; Then:          iscc installer\windows\loket.iss        (gives dist\loket-setup-<version>.exe)
;
; Installs for all users into Program Files, with a Start-menu entry per role. One
; installer for every PC: the role is chosen per PC (a task below starts it at logon
; under "loket-gui supervise", which starts it again when it stops with an error).
; Silent install of a kiosk PC (installer/README.md, "Windows"):
;   loket-setup-0.1.0.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART /TASKS="autostart\kiosk"
; The PC's own settings live outside Program Files, so an update never overwrites them:
;   C:\ProgramData\Loket\hardware.toml    devices and place of this PC (LOKET_HARDWARE_CONFIG)
;   C:\ProgramData\Loket\loket.db         the one-PC SQLite database, for every Windows
;                                         account of the PC (LOKET_DATABASE_URL, unless the
;                                         administrator set it to the PostgreSQL server)

#define AppName "Loket"
#define AppVersion "0.1.0"
#define Dist "..\..\dist\loket"

[Setup]
AppId={{6F1C2B7E-4D1A-4C8E-9B0B-3E5A9D2C7F41}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=Loket
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=loket-setup-{#AppVersion}
Compression=lzma2
SolidCompression=yes
; The machine-wide LOKET_HARDWARE_CONFIG below must reach programs started afterwards.
ChangesEnvironment=yes
UninstallDisplayIcon={app}\loket-gui.exe

[Languages]
Name: "dutch"; MessagesFile: "compiler:Languages\Dutch.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
; One role per PC starts by itself at logon; "none" for a PC that only uses the shortcuts.
Name: "autostart"; Description: "Automatisch starten bij aanmelden:"; Flags: unchecked
Name: "autostart\kiosk"; Description: "Kiosk (zuil bij de ingang)"; Flags: exclusive unchecked
Name: "autostart\display"; Description: "Wachtkamerscherm"; Flags: exclusive unchecked
Name: "autostart\counter"; Description: "Balie"; Flags: exclusive unchecked
Name: "autostart\reception"; Description: "Receptie"; Flags: exclusive unchecked
Name: "autostart\manager"; Description: "Monitor teamleider"; Flags: exclusive unchecked

[Dirs]
; users-modify: the kiosk's own Windows account writes the one-PC database here.
Name: "{commonappdata}\Loket"; Permissions: users-modify

[Files]
Source: "{#Dist}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
; An example only: a copy named hardware.toml would send tickets to a printer that is
; not there. The administrator copies and edits it (README, "Per-PC set-up").
Source: "..\hardware.example.toml"; DestDir: "{commonappdata}\Loket"; Flags: ignoreversion

[Registry]
Root: HKLM; Subkey: "SYSTEM\CurrentControlSet\Control\Session Manager\Environment"; \
  ValueType: expandsz; ValueName: "LOKET_HARDWARE_CONFIG"; \
  ValueData: "{commonappdata}\Loket\hardware.toml"; Flags: createvalueifdoesntexist uninsdeletevalue
; One PC with SQLite: one file for every account (the administrator's "loket db upgrade"
; and the kiosk account see the same database). An existing value (PostgreSQL) is kept.
Root: HKLM; Subkey: "SYSTEM\CurrentControlSet\Control\Session Manager\Environment"; \
  ValueType: expandsz; ValueName: "LOKET_DATABASE_URL"; \
  ValueData: "sqlite:///{commonappdata}\Loket\loket.db"; Flags: createvalueifdoesntexist uninsdeletevalue

[Icons]
Name: "{group}\Loket kiosk"; Filename: "{app}\loket-gui.exe"; Parameters: "kiosk"
Name: "{group}\Loket wachtkamerscherm"; Filename: "{app}\loket-gui.exe"; Parameters: "display"
Name: "{group}\Loket balie"; Filename: "{app}\loket-gui.exe"; Parameters: "counter"
Name: "{group}\Loket receptie"; Filename: "{app}\loket-gui.exe"; Parameters: "reception"
Name: "{group}\Loket monitor teamleider"; Filename: "{app}\loket-gui.exe"; Parameters: "manager"
Name: "{group}\Loket demo (oefenen)"; Filename: "{app}\loket-gui.exe"; Parameters: "demo"
; The console program, so the administrator reads what the check says.
Name: "{group}\Apparaten testen"; Filename: "{cmd}"; \
  Parameters: "/k ""{app}\loket.exe"" hardware check"
Name: "{group}\Loket verwijderen"; Filename: "{uninstallexe}"

; "supervise": the role is started again when it stops with an error (loket/cli/supervise.py).
Name: "{commonstartup}\Loket kiosk"; Filename: "{app}\loket-gui.exe"; Parameters: "supervise kiosk --fullscreen"; Tasks: autostart\kiosk
Name: "{commonstartup}\Loket wachtkamerscherm"; Filename: "{app}\loket-gui.exe"; Parameters: "supervise display --fullscreen"; Tasks: autostart\display
Name: "{commonstartup}\Loket balie"; Filename: "{app}\loket-gui.exe"; Parameters: "supervise counter"; Tasks: autostart\counter
Name: "{commonstartup}\Loket receptie"; Filename: "{app}\loket-gui.exe"; Parameters: "supervise reception"; Tasks: autostart\reception
Name: "{commonstartup}\Loket monitor teamleider"; Filename: "{app}\loket-gui.exe"; Parameters: "supervise manager"; Tasks: autostart\manager

[Run]
; A new version: the database of a one-PC installation follows it (PostgreSQL: the
; administrator runs "loket db upgrade" as the owner, installer/README.md "Upgrade").
Filename: "{app}\loket.exe"; \
  Parameters: "--database ""sqlite:///{commonappdata}\Loket\loket.db"" db upgrade"; \
  Flags: runhidden waituntilterminated; Check: IsOnePcDatabase

[Code]
// The machine-wide value (this process may not see a value set after it started).
function IsOnePcDatabase(): Boolean;
var
  Url: String;
begin
  if not RegQueryStringValue(HKLM,
      'SYSTEM\CurrentControlSet\Control\Session Manager\Environment',
      'LOKET_DATABASE_URL', Url) then
    Url := '';
  Result := (Url = '') or (Pos('sqlite', Url) = 1);
end;
