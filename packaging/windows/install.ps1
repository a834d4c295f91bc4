# Install or upgrade the Vigil agent on Windows (run as Administrator):
#   .\install.ps1 -Binary .\vigil-agent-win-x64.exe [-Enrol 'vigil+https://…']
#
# Mechanism: a scheduled task that starts the agent as SYSTEM at boot and restarts it on failure. The
# Service Control Manager is not used directly because a Node single executable cannot answer the SCM's
# service protocol (StartServiceCtrlDispatcher): registered with New-Service it is killed after 30 s with
# error 1053. Organisations that require an SCM entry can wrap the same command line with a service
# wrapper (WinSW); see docs/DEPLOY.md. The task runs below normal priority (task priority 7) and the agent
# lowers itself to BELOW_NORMAL, which the commands it starts inherit.
#
# Sign the binary with signtool first: postject's injection invalidates Node's Authenticode signature.
# Upgrade = run again with the new binary: the state directory (device key, spool) is kept.
param(
  [Parameter(Mandatory = $true)][string]$Binary,
  [string]$Enrol = ''
)
$ErrorActionPreference = 'Stop'
$Dir = Join-Path $env:ProgramFiles 'Vigil'
$Data = Join-Path $env:ProgramData 'Vigil'
$State = Join-Path $Data 'agent'
$Exe = Join-Path $Dir 'vigil-agent.exe'
$Config = Join-Path $Data 'agent.yaml'
$Task = 'Vigil agent'

if (Get-ScheduledTask -TaskName $Task -ErrorAction SilentlyContinue) { Stop-ScheduledTask -TaskName $Task }
New-Item -ItemType Directory -Force -Path $Dir, $State | Out-Null
Copy-Item -Force $Binary "$Exe.new"
Move-Item -Force "$Exe.new" $Exe

# State readable by SYSTEM and Administrators only.
icacls $State /inheritance:r /grant:r 'SYSTEM:(OI)(CI)F' 'Administrators:(OI)(CI)F' | Out-Null
if (-not (Test-Path $Config)) { Set-Content -Path $Config -Value "spool:`r`n  maxBytes: 64MiB`r`n" -Encoding ASCII }

if ($Enrol -and -not (Test-Path (Join-Path $State 'enrolment.json'))) {
  & $Exe enroll $Enrol --state $State
  if ($LASTEXITCODE -ne 0) { throw "enrolment failed ($LASTEXITCODE)" }
}

$action = New-ScheduledTaskAction -Execute $Exe -Argument "run --state `"$State`" --config `"$Config`""
$trigger = New-ScheduledTaskTrigger -AtStartup
$principal = New-ScheduledTaskPrincipal -UserId 'SYSTEM' -LogonType ServiceAccount -RunLevel Highest
$settings = New-ScheduledTaskSettingsSet -ExecutionTimeLimit ([TimeSpan]::Zero) -RestartCount 999 -RestartInterval (New-TimeSpan -Minutes 1) `
  -Priority 7 -AllowStartIfOnBatteries -DontStopIfGoingOnBatteries -MultipleInstances IgnoreNew
Register-ScheduledTask -TaskName $Task -Action $action -Trigger $trigger -Principal $principal -Settings $settings -Force | Out-Null
Start-ScheduledTask -TaskName $Task
& $Exe --version
