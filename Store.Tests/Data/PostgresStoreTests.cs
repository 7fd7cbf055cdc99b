using Dapper;
using Npgsql;
using Store.Hosting;
using Store.Tests.Infrastructure;

namespace Store.Tests.Data;

/// <summary>
/// The choice of database as an owner makes it: DATABASE_URL=postgres://… runs the real store process on PostgreSQL
/// (migrating an empty database at start), anything else keeps SQLite, and a SQLite store never loads Npgsql. The
/// assemblies are read from the process's memory map: the test process itself loads Npgsql for its cluster, so
/// AppDomain.GetAssemblies() here would say nothing about the service.
/// </summary>
[Trait("speed", "slow")]
public sealed class PostgresStoreTests : IDisposable
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), "store-tests", "pg-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    static bool Maps(int pid, string assembly) =>
        File.ReadLines($"/proc/{pid}/maps").Any(line => line.EndsWith("/" + assembly, StringComparison.Ordinal));

    async Task<(StoreProcess Store, HttpClient Client)> ServeAsync(Dictionary<string, string> env)
    {
        var port = StoreProcess.FreePort();
        env["CL_SERVER_DIR"] = _dir;
        env["HOST"] = "127.0.0.1";
        env["PORT"] = port.ToString();
        env["AUTH_DISABLED"] = "true";
        var store = StoreProcess.Start([], env);
        var address = new Uri($"http://127.0.0.1:{port}");
        await store.WaitUntilHealthyAsync(address);
        return (store, new HttpClient { BaseAddress = address });
    }

    [Fact]
    public async Task A_sqlite_store_never_loads_npgsql()
    {
        var (store, client) = await ServeAsync(new());
        await using (store)
        using (client)
        {
            await client.CreateMediaAsync("stays on SQLite");
            await client.GetOkAsync("/entities?search_query=sqlite");
            Assert.Equal("ok", (await client.GetOkAsync("/health/ready")).GetProperty("checks").GetProperty("database").Str("status"));
            Assert.True(Maps(store.Id, "store.dll"), "the map shows the service's own assemblies");
            Assert.False(Maps(store.Id, "Npgsql.dll"));
            Assert.False(Maps(store.Id, "dbup-postgresql.dll"));
        }
        Assert.True(File.Exists(Path.Combine(_dir, "media_store.db")));
    }

    [Fact]
    public async Task A_postgres_url_migrates_an_empty_database_and_keeps_the_rows_there()
    {
        var cluster = await PostgresCluster.GetAsync();
        var database = await cluster.CreateDatabaseAsync();
        var (store, client) = await ServeAsync(new() { ["DATABASE_URL"] = $"postgresql://store@127.0.0.1:{cluster.Port}/{database}" });
        long id;
        await using (store)
        using (client)
        {
            id = (await client.CreateMediaAsync("kept in PostgreSQL", label: "on the server")).Id();
            Assert.True(Maps(store.Id, "Npgsql.dll"));
            Assert.Contains("PostgreSQL " + database, store.StandardOutput);
        }
        await using (var connection = new NpgsqlConnection(cluster.ConnectionString(database)))
            Assert.Equal("on the server", await connection.ExecuteScalarAsync<string>("SELECT label FROM entities WHERE id = @id", new { id }));
        Assert.False(File.Exists(Path.Combine(_dir, "media_store.db")));
        await cluster.DropDatabaseAsync(database);
    }

    static StoreSettings Settings(string url) =>
        StoreSettings.FromEnvironment(name => name switch { "CL_SERVER_DIR" => "/srv/store", "DATABASE_URL" => url, _ => null });

    [Fact]
    public void The_url_gives_user_password_host_port_database_and_sslmode()
    {
        var settings = Settings("postgres://store%40home:p%3Ass;w=rd@db.example:6543/media_store?sslmode=verify-full");
        var parts = new NpgsqlConnectionStringBuilder(settings.PostgresConnection);
        Assert.Equal(("store@home", "p:ss;w=rd", "db.example", 6543, "media_store", SslMode.VerifyFull),
            (parts.Username, parts.Password, parts.Host, parts.Port, parts.Database, parts.SslMode));
        Assert.Equal("/srv/store/media_store.db", settings.DatabasePath);

        var plain = new NpgsqlConnectionStringBuilder(Settings("postgresql://db.example/store").PostgresConnection);
        Assert.Equal((5432, (string?)null, "store"), (plain.Port, plain.Username, plain.Database));
    }

    [Theory]
    [InlineData("postgres://db.example/store?sslmode=sometimes", "sslmode")]
    [InlineData("postgres://db.example/store?application=x", "only sslmode")]
    [InlineData("postgres://db.example/", "name one database")]
    public void A_bad_url_is_refused_with_what_is_wrong(string url, string message)
    {
        var error = Assert.Throws<SettingsException>(() => Settings(url));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Other_urls_stay_sqlite()
    {
        Assert.Null(Settings("sqlite:////data/store.db").PostgresConnection);
        Assert.Equal("/data/store.db", Settings("sqlite:////data/store.db").DatabasePath);
    }
}
