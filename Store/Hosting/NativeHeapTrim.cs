namespace Store.Hosting;

/// <summary>
/// Once a minute, gives the pages that native code freed back to the kernel (<see cref="NativeHeap.Trim"/>): glibc
/// keeps them for later mallocs, so without this the service's resident size is the high-water mark of every
/// arena, not what it holds.
/// </summary>
public sealed class NativeHeapTrim(TimeProvider clock) : BackgroundService
{
    public static readonly TimeSpan Every = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) NativeHeap.Trim();
        }
        catch (OperationCanceledException) { }
    }
}
