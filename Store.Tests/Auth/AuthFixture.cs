using Store.Tests.Infrastructure;

namespace Store.Tests.Auth;

/// <summary>One auth-enabled service (write-only mode) and its key, shared by a test class that changes no settings.</summary>
public sealed class AuthFixture : IAsyncLifetime
{
    public TestKey Key { get; } = TestKey.Create();
    public StoreHost Host { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Host = await AuthHost.StartAsync(Key);

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        Key.Dispose();
    }
}
