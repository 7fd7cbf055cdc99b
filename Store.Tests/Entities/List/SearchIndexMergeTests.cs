using Dapper;
using Store.Data;
using Store.Tests.Infrastructure;

namespace Store.Tests.Entities.List;

/// <summary>
/// The search indexes' merge settings (sql/0015): set by the migration, and the indexes still whole and exact after
/// enough single writes for FTS5 to merge their segments.
/// </summary>
[Trait("database", "sqlite-only")]
public sealed class SearchIndexMergeTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static readonly string[] Indexes = ["entity_search", "entity_terms", "search_terms_index"];

    [Fact]
    public async Task The_indexes_merge_sixteen_segments_at_a_time_and_stay_whole_after_many_writes()
    {
        await using var temp = TempDb.Create();
        await using var db = new Db(temp.Settings.Data);
        await using var write = await db.OpenAsync(Ct);
        foreach (var index in Indexes)
        {
            var settings = (await write.QueryAsync<(string K, long V)>($"SELECT k, v FROM {index}_config WHERE k IN ('automerge', 'crisismerge')"))
                .ToDictionary(s => s.K, s => s.V);
            Assert.Equal(16, settings["automerge"]);
            Assert.Equal(64, settings["crisismerge"]);
        }

        // One transaction a write, as the service commits: each adds a segment to every index, enough for merges at
        // the first levels (16 and 256 segments) and for more than one of them.
        for (var i = 0; i < 600; i++)
            await write.ExecuteAsync("INSERT INTO entities (is_collection, label, description, added_date, updated_date) VALUES (1, @label, @description, @i, @i)",
                new { label = $"Beach {i} Straße", description = i % 3 == 0 ? "sunset over the bay" : null, i });
        await write.ExecuteAsync("UPDATE entities SET label = 'Renamed ' || id WHERE id % 7 = 0");
        await write.ExecuteAsync("DELETE FROM entities WHERE id % 11 = 0");

        // FTS5's own check: every entry of the index against its content, after the merges.
        await write.ExecuteAsync("INSERT INTO entity_search (entity_search) VALUES ('integrity-check')");
        await write.ExecuteAsync("INSERT INTO search_terms_index (search_terms_index) VALUES ('integrity-check')");
        await write.ExecuteAsync("INSERT INTO entity_terms (entity_terms) VALUES ('integrity-check')");
        var indexed = await write.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM entity_search WHERE entity_search MATCH '\"sunset\"'");
        var scanned = await write.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM entity_folded WHERE instr(description, 'sunset') > 0");
        Assert.Equal(scanned, indexed);
        Assert.Equal(600 - 600 / 11 - 600 / 7 + 600 / 77, await write.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM entity_search WHERE entity_search MATCH '\"straße\"'"));
    }
}
