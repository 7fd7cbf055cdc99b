using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

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

    /// <summary>Registers <paramref name="clock"/> as the service's TimeProvider (after the host's own, so it wins).</summary>
    public static void UseClock(this WebApplicationBuilder builder, TimeProvider clock) => builder.Services.AddSingleton(clock);

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
