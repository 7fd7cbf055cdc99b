namespace Store.Tests.Infrastructure;

/// <summary>
/// One service for those tests of a class that only read from an empty store, only send what it must refuse, or each
/// work on things of their own (a job, an entity) that no other test of the class looks at, so that each does not
/// start one of its own: a service's start, first request (the endpoints' request delegates are built then) and stop
/// cost about a quarter of a second of CPU. The tests of a class run one after another, never two at once on it. A test
/// that needs a store of its own (one that counts every row or file, restarts it, or changes its settings) starts one.
/// </summary>
public class SharedStore : IAsyncLifetime
{
    StoreHost? _host;

    public StoreHost Host => _host ?? throw new InvalidOperationException("the shared store has not started");

    /// <summary>Starts the service; a fixture with other settings, or with something in it from the start, says so here.</summary>
    protected virtual Task<StoreHost> StartAsync() => StoreHost.StartAsync();

    public async ValueTask InitializeAsync() => _host = await StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
