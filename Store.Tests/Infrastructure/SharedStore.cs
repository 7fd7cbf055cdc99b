namespace Store.Tests.Infrastructure;

/// <summary>
/// One service for those tests of a class that only read from an empty store or only send what it must refuse, so
/// that each does not start one of its own: a service's start, first request (the endpoints' request delegates are
/// built then) and stop cost about a quarter of a second of CPU. A test that writes starts its own service.
/// </summary>
public sealed class SharedStore : IAsyncLifetime
{
    StoreHost? _host;

    public StoreHost Host => _host ?? throw new InvalidOperationException("the shared store has not started");

    public async ValueTask InitializeAsync() => _host = await StoreHost.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
    }
}
