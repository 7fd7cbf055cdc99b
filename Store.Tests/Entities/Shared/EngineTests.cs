using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Store.Data;
using Store.Tests.Infrastructure;

namespace Store.Tests.Entities.Shared;

/// <summary>Each pass of the suite runs on the engine it names: SQLite by default, PostgreSQL with STORE_TEST_DATABASE=postgres.</summary>
public sealed class EngineTests
{
    [Fact]
    public async Task The_service_stores_its_rows_in_the_engine_the_run_asks_for()
    {
        await using var host = await StoreHost.StartAsync();
        var expected = TestDatabase.Postgres ? DbKind.Postgres : DbKind.Sqlite;
        Assert.Equal(expected, host.App.Services.GetRequiredService<Db>().Kind);

        var id = (await host.Client.CreateCollectionAsync("where am I")).Id();
        await using var db = await host.OpenDbAsync();
        Assert.Equal(expected, db.Kind());
        Assert.Equal("where am I", await db.ExecuteScalarAsync<string>("SELECT label FROM entities WHERE id = @id", new { id }));
    }
}
