using Store.Tests.Infrastructure;

namespace Store.Tests.Media;

/// <summary>One store for a test class whose tests each upload content of their own.</summary>
public sealed class MediaHostFixture : IAsyncLifetime
{
    public StoreHost Host { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Host = await StoreHost.StartAsync();

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}
