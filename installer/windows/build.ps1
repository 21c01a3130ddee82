# Build dist\bbc-desktop-<version>-setup.exe on Windows 10/11 (x64).
#
#   powershell -ExecutionPolicy Bypass -File installer\windows\build.ps1
#
# Needs Python 3.11 from python.org (the "py" launcher) and Inno Setup 6 (jrsoftware.org). Makes a
# build environment (build\win-venv) with PyInstaller and the program, the icon (build\icons), the
# bundle (build\pyinstaller-dist\bbc-desktop, installer\bbc-desktop.spec), then the setup with
# Inno Setup's compiler, passing the version from pyproject.toml.
$ErrorActionPreference = "Stop"
$Root = (Resolve-Path (Join-Path $PSScriptRoot "..\..")).Path
Set-Location $Root

$Venv = "build\win-venv"
if (-not (Test-Path "$Venv\Scripts\python.exe")) { py -3.11 -m venv $Venv }
$Python = "$Venv\Scripts\python.exe"
& $Python -m pip install -q --upgrade pip
& $Python -m pip install -q "pyinstaller>=6.10,<7" .
if ($LASTEXITCODE) { throw "pip install failed" }

$Version = & $Python -c "import tomllib; print(tomllib.load(open('pyproject.toml', 'rb'))['project']['version'])"
Write-Host "bbc-desktop $Version"

& $Python installer\make_icons.py build\icons
if ($LASTEXITCODE) { throw "make_icons failed" }
& "$Venv\Scripts\pyinstaller.exe" --noconfirm --clean --distpath build\pyinstaller-dist --workpath build\pyinstaller installer\bbc-desktop.spec
if ($LASTEXITCODE) { throw "PyInstaller failed" }

# The bundle must work before it is packed: the self-test opens the window on demo data and
# makes a slip (its report: build\self-test\self-test.txt).
$Check = Start-Process -FilePath "build\pyinstaller-dist\bbc-desktop\bbc-desktop.exe" -ArgumentList "--self-test", "build\self-test" -Wait -PassThru
if ($Check.ExitCode) { Get-Content build\self-test\self-test.txt; throw "self-test failed" }

$Iscc = @("${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe", "$env:ProgramFiles\Inno Setup 6\ISCC.exe", "$env:LOCALAPPDATA\Programs\Inno Setup 6\ISCC.exe") |
    Where-Object { Test-Path $_ } | Select-Object -First 1
if (-not $Iscc) { throw "Inno Setup 6 (ISCC.exe) not found: install it from https://jrsoftware.org/isdl.php" }
& $Iscc "/DAppVersion=$Version" installer\windows\bbc-desktop.iss
if ($LASTEXITCODE) { throw "Inno Setup failed" }
Write-Host "wrote dist\bbc-desktop-$Version-setup.exe"
