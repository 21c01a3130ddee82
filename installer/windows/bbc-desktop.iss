; Inno Setup 6 script: dist\bbc-desktop-<version>-setup.exe, a per-machine install of the bundled
; program (installer\bbc-desktop.spec). Build it with build.ps1 beside this file, which makes the
; bundle and the icon first and passes the version from pyproject.toml (/DAppVersion=…).
;
; The program's data (the database, backups, drafts, the log, settings) lives in the user's own
; folders (%LOCALAPPDATA%\bbc-desktop, %APPDATA%\bbc-desktop), which this setup never writes and
; its uninstaller never removes: an upgrade or a reinstall finds everything as it was.

#ifndef AppVersion
  #error 请用 build.ps1 编译：它从 pyproject.toml 读取版本号并以 /DAppVersion= 传入
#endif
#define AppName "“办不成事”反映窗口"
#define Bundle "..\..\build\pyinstaller-dist\bbc-desktop"
#define ChineseMessages AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl"

[Setup]
; The same AppId in every version: a new setup upgrades the installed program in place.
AppId={{5C7B1F3E-2D4A-4E0B-9A61-8B2F0C3D7E15}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=bbc-desktop
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\bbc-desktop
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=bbc-desktop-{#AppVersion}-setup
SetupIconFile=..\..\build\icons\bbc-desktop.ico
UninstallDisplayIcon={app}\bbc-desktop.exe
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes

[Languages]
#if FileExists(ChineseMessages)
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#else
Name: "chinesesimplified"; MessagesFile: "compiler:Default.isl"
#endif

[Tasks]
Name: "desktopicon"; Description: "在桌面创建快捷方式"; GroupDescription: "快捷方式："

[Files]
Source: "{#Bundle}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; An upgrade replaces the bundle whole: no library of the previous version is left beside the new.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\bbc-desktop.exe"; WorkingDir: "{app}"
Name: "{group}\自检（生成一份演示交办单）"; Filename: "{app}\bbc-desktop.exe"; Parameters: "--self-test ""{userdocs}\bbc-desktop 自检"""
Name: "{group}\卸载 {#AppName}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\bbc-desktop.exe"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\bbc-desktop.exe"; Description: "立即启动{#AppName}"; Flags: nowait postinstall skipifsilent
