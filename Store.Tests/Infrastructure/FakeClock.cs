using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Store.Hosting;

namespace Store.Tests.Infrastructure;

/// <summary>
/// The service's clock under a test's hand: leases, worker TTLs, sweeps and retention read the injected
/// TimeProvider, so a test moves time on instead of waiting real seconds. The rest stays real (Kestrel,
/// SQLite's busy timeout, the media tools' own timeouts).
/// </summary>
public static class FakeClock
{
    /// <summary>A fake clock that starts at the real now, so that stored times look like today's.</summary>
    public static FakeTimeProvider StartingNow() => new(DateTimeOffset.UtcNow);

    /// <summary>
    /// A fake clock for winding days on. FakeTimeProvider runs a timer's callback on the thread that advances it, and
    /// a periodic timer's waiter continues right there: every period wound runs the waiting loop's body once. The
    /// lease sweep ticks every 5 s and each tick is a write transaction, so 8 days wound were 138,240 transactions in
    /// a row (88 s on the idle machine). A real clock calls back on the thread pool, and a loop that is still busy
    /// takes the ticks it missed as one: this clock does the same, so a sweep runs as it would after 8 real days.
    /// </summary>
    public static FakeTimeProvider ForDays() => new ThreadPoolTimers(DateTimeOffset.UtcNow);

    sealed class ThreadPoolTimers(DateTimeOffset start) : FakeTimeProvider(start)
    {
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            base.CreateTimer(s => ThreadPool.UnsafeQueueUserWorkItem(c => callback(c), s), state, dueTime, period);
    }

    /// <summary>
    /// A fake clock that also tells when the service starts to wait on it: a wait (a claim's long poll, a sweep's
    /// period) is a timer made on the clock, so a test that needs the service to be waiting before it acts waits for
    /// that timer instead of sleeping a guessed while.
    /// </summary>
    public static WatchedClock Watched() => new(DateTimeOffset.UtcNow);

    public sealed class WatchedClock(DateTimeOffset start) : FakeTimeProvider(start)
    {
        readonly Lock _gate = new();
        readonly List<(TimeSpan Due, TaskCompletionSource Made)> _watches = [];

        /// <summary>Completes once a timer due in exactly <paramref name="due"/> has been made (from now on).</summary>
        public Task TimerMadeAsync(TimeSpan due)
        {
            var made = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate) _watches.Add((due, made));
            return made.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            lock (_gate)
            {
                foreach (var watch in _watches.Where(w => w.Due == dueTime).ToList())
                {
                    _watches.Remove(watch);
                    watch.Made.TrySetResult();
                }
            }
            return timer;
        }

        /// <summary>Moves time on in steps until <paramref name="task"/> ends; answers how far it moved.</summary>
        public async Task<TimeSpan> AdvanceUntilAsync(Task task, TimeSpan step)
        {
            var moved = TimeSpan.Zero;
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!task.IsCompleted && DateTime.UtcNow < deadline)
            {
                Advance(step);
                moved += step;
                await Task.WhenAny(task, Task.Delay(10, TestContext.Current.CancellationToken));
            }
            return moved;
        }
    }

    /// <summary>
    /// Registers <paramref name="clock"/> as the service's TimeProvider (after the host's own, so it wins). The heap
    /// trim alone stays on the real clock, once a real minute as in production: no test is about it, and on the fake
    /// one each minute wound would be a malloc_trim, a walk of every malloc arena of the whole test process.
    /// </summary>
    public static void UseClock(this WebApplicationBuilder builder, TimeProvider clock)
    {
        builder.Services.AddSingleton(clock);
        var trim = builder.Services.Single(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(NativeHeapTrim));
        builder.Services.Remove(trim);
        builder.Services.AddHostedService(_ => new NativeHeapTrim(TimeProvider.System));
    }

    /// <summary>
    /// Moves time on in small steps, as a real clock would, so that every periodic sweep on the way ticks and
    /// gets a moment to run before the next step.
    /// </summary>
    public static async Task AdvanceInStepsAsync(this FakeTimeProvider clock, TimeSpan by, TimeSpan step)
    {
        for (var done = TimeSpan.Zero; done < by; done += step)
        {
            clock.Advance(step);
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }
    }
}
