# Build e2a for Windows: the PyInstaller one-folder bundle and a per-user Inno Setup
# installer. One command, from any folder (PowerShell 5.1 or 7):
#
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build-windows.ps1
#       -> build\windows\{dist\e2a, e2a-VERSION-windows-x64-setup.exe}
#
# Needs Python 3.11 (`python` on the PATH, or $env:PYTHON) and Inno Setup 6.3+ (preinstalled
# on GitHub's Windows runners; else `choco install innosetup -y` or
# `winget install JRSoftware.InnoSetup`). Builds in its own virtual environment
# (build\windows\venv: e2a with the GUI extra, PyInstaller, and Pillow for the icon), so
# nothing of a development setup ends up in the bundle. Prints the sizes and runs
# `e2a-cli --version` as a smoke test. Not run on this project's machines (Linux only).
$ErrorActionPreference = "Stop"
$Root = (Resolve-Path (Join-Path $PSScriptRoot "..\..")).Path
$Out = if ($env:E2A_BUILD_DIR) { $env:E2A_BUILD_DIR } else { Join-Path $Root "build\windows" }
$Python = if ($env:PYTHON) { $env:PYTHON } else { "python" }
New-Item -ItemType Directory -Force $Out | Out-Null
Set-Location $Root

function Invoke-Checked([string]$Program, [string[]]$Arguments) {
    & $Program @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Program $($Arguments -join ' ') failed: exit $LASTEXITCODE" }
}

function Get-Size([string]$Path) {
    $bytes = (Get-ChildItem $Path -Recurse -File | Measure-Object -Property Length -Sum).Sum
    "{0,6:N0} MB" -f ($bytes / 1MB)
}

function Find-Iscc {
    $onPath = Get-Command ISCC.exe -ErrorAction SilentlyContinue
    if ($onPath) { return $onPath.Source }
    $places = @("${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe", "$env:ProgramFiles\Inno Setup 6\ISCC.exe",
                "$env:LOCALAPPDATA\Programs\Inno Setup 6\ISCC.exe")
    foreach ($place in $places) { if (Test-Path $place) { return $place } }
    throw "Inno Setup 6 not found: choco install innosetup -y (or winget install JRSoftware.InnoSetup)"
}

$Venv = Join-Path $Out "venv"
$Py = Join-Path $Venv "Scripts\python.exe"
if (-not (Test-Path $Py)) {
    Invoke-Checked $Python @("-m", "venv", $Venv)
    Invoke-Checked $Py @("-m", "pip", "install", "--quiet", "--upgrade", "pip")
}
Invoke-Checked $Py @("-m", "pip", "install", "--quiet", "-e", ".[gui]", "pyinstaller", "pillow")
$Version = (& $Py -c "import e2a_desktop; print(e2a_desktop.__version__)").Trim()

Write-Host "== icons"
$Icons = Join-Path $Out "icons"
Invoke-Checked $Py @("packaging\pyinstaller\make_icons.py", $Icons)

Write-Host "== bundle (PyInstaller)"
$Dist = Join-Path $Out "dist"
$Work = Join-Path $Out "work"
Remove-Item -Recurse -Force $Dist, $Work -ErrorAction SilentlyContinue
$env:E2A_ICON_DIR = $Icons
Invoke-Checked $Py @("-m", "PyInstaller", "--noconfirm", "--log-level", "WARN", "--distpath", $Dist,
                     "--workpath", $Work, "packaging\pyinstaller\e2a.spec")
$Bundle = Join-Path $Dist "e2a"
# Qt's software OpenGL fallback (about 20 MB): the window and the tray paint with the
# raster engine and QtOpenGL is not collected. (Translations are left out by the spec.)
Remove-Item -Force (Join-Path $Bundle "_internal\PySide6\opengl32sw.dll") -ErrorAction SilentlyContinue

Write-Host "== installer (Inno Setup)"
$Iscc = Find-Iscc
Invoke-Checked $Iscc @("/Qp", "/DAppVersion=$Version", "/DBundleDir=$Bundle",
                       "/DIconFile=$(Join-Path $Icons 'e2a.ico')", "/DOutputDir=$Out",
                       "packaging\windows\e2a.iss")
$Setup = Join-Path $Out "e2a-$Version-windows-x64-setup.exe"

Write-Host "== done"
Write-Host ("  folder     {0}  {1}" -f (Get-Size $Bundle), $Bundle)
Write-Host ("  installer  {0}  {1}" -f (Get-Size $Setup), $Setup)
$watch = [Diagnostics.Stopwatch]::StartNew()
Invoke-Checked (Join-Path $Bundle "e2a-cli.exe") @("--version")
Write-Host ("  cold start of 'e2a-cli --version': {0:N2} s" -f $watch.Elapsed.TotalSeconds)
Invoke-Checked (Join-Path $Bundle "e2a-node-cli.exe") @("--version")
