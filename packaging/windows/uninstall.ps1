# Remove the Vigil agent (run as Administrator): .\uninstall.ps1 [-Purge]
# Without -Purge the state directory (device key, spool) stays, so a reinstall resumes as the same device.
param([switch]$Purge)
$ErrorActionPreference = 'Stop'
$Task = 'Vigil agent'
if (Get-ScheduledTask -TaskName $Task -ErrorAction SilentlyContinue) {
  Stop-ScheduledTask -TaskName $Task
  Unregister-ScheduledTask -TaskName $Task -Confirm:$false
}
Remove-Item -Force -Recurse -ErrorAction SilentlyContinue (Join-Path $env:ProgramFiles 'Vigil')
if ($Purge) { Remove-Item -Force -Recurse -ErrorAction SilentlyContinue (Join-Path $env:ProgramData 'Vigil') }
