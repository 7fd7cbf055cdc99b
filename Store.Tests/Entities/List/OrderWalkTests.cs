using Dapper;
using Store.Data;
using Store.Entities.List;
using Store.Tests.Infrastructure;

namespace Store.Tests.Entities.List;

/// <summary>The walk along an order's index (OrderWalk): its answer, and its giving up when the budget is spent.</summary>
public sealed class OrderWalkTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_walk_out_of_steps_gives_up_and_its_connection_walks_again()
    {
        await using var temp = TempDb.Create();
        await using var db = new Db(temp.Settings.Data);
        await using (var write = await db.OpenAsync(Ct))
            await write.ExecuteAsync("""
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
                INSERT INTO entities (is_collection, label, added_date, updated_date)
                SELECT 1, CASE WHEN i % 1000 = 0 THEN 'Rare ' || i ELSE 'common ' || i END, i, i FROM n
                """);
        var query = new ListEntitiesQuery { SearchQuery = "RARE", OrderBy = "label" };
        var words = SearchWords.Parse(query.SearchQuery);
        await using var read = await db.OpenReadAsync(Ct);

        // Three matches after 2,997 others in label order: no time to walk runs out at the first check, before the first.
        Assert.Null(OrderWalk.TryIds(read, query, words, "label", 2, 0, budget: TimeSpan.Zero));
        // Time enough, whatever else the machine is running.
        var ample = TimeSpan.FromSeconds(30);
        Assert.Equal("[1000,2000]", OrderWalk.TryIds(read, query, words, "label", 2, 0, ample));
        Assert.Equal("[3000]", OrderWalk.TryIds(read, query, words, "label", 2, 2, ample));
        // The handler is gone after each walk: a long statement on the connection runs to its end.
        Assert.Equal(3000L, await read.Connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM entities a JOIN entity_folded f ON f.id = a.id WHERE instr(f.label, ' ') > 0"));
    }

    [Theory]
    [InlineData(146_821, 1_000_000, 20, true)]
    [InlineData(6_844, 1_000_000, 20, false)]
    [InlineData(146_821, 1_000_000, 20_000, false)]
    [InlineData(0, 10, 20, false)]
    public void The_walk_is_tried_when_the_matches_are_dense_enough_for_the_page(long matches, long everything, long upTo, bool tried) =>
        Assert.Equal(tried, OrderWalk.Worth(matches, everything, upTo));
}
