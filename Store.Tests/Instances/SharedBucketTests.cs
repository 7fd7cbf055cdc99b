using System.Net;
using System.Net.Http.Headers;
using Store.Tests.Infrastructure;
using Store.Tests.Jobs;

namespace Store.Tests.Instances;

/// <summary>
/// Two real store processes on one PostgreSQL database and one bucket share what is in the bucket (issue 14, point 3):
/// a job's files, put there by whichever instance took them, serve a worker and a reader on the other; and a delete on
/// one never takes the object of the same content uploaded again on the other at the same moment. PostgreSQL only by
/// nature, as <see cref="SeveralInstancesTests"/>.
/// </summary>
[Trait("speed", "slow")]
[Trait("database", "postgres-only")]
public sealed class SharedBucketTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_job_created_on_one_is_claimed_fetched_and_completed_on_the_other_and_its_outputs_read_back_on_the_first()
    {
        await using var stores = await TwoStores.StartAsync();
        using var a = stores.ClientA();
        using var b = stores.ClientB();
        var input = Forms.Text("an input sent to A " + Guid.NewGuid());
        var created = await Expect.StatusAsync(await a.PostAsync("/compute/jobs/multi", JobKit.Form("in.txt", input), Ct), HttpStatusCode.Created);
        var id = created.JobId();
        Assert.Equal($"jobs/{id}/input/in.txt", created.File("input_files", "in.txt").Str("path"));
        Assert.Equal([$"jobs/{id}/input/in.txt"], await stores.KeysAsync($"jobs/{id}/"));

        var claim = await b.ClaimAsync("w1", ["multi"]);
        Assert.Equal(id, (await Expect.StatusAsync(claim, HttpStatusCode.OK)).JobId());
        var fetched = await b.GetAsync($"/compute/jobs/{id}/files/input/in.txt", Ct);
        Assert.Equal(HttpStatusCode.OK, fetched.StatusCode);
        Assert.Equal(input, await fetched.Content.ReadAsByteArrayAsync(Ct));
        using (var part = new HttpRequestMessage(HttpMethod.Get, $"/compute/jobs/{id}/files/input/in.txt"))
        {
            part.Headers.Range = new RangeHeaderValue(3, 7);
            var partial = await b.SendAsync(part, Ct);
            Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
            Assert.Equal(input[3..8], await partial.Content.ReadAsByteArrayAsync(Ct));
        }

        var output = Forms.Text("an output handed to B " + Guid.NewGuid());
        var completed = await Expect.StatusAsync(await b.CompleteAsync(id, "w1", """{"done": true}""", ("out.txt", output)), HttpStatusCode.OK);
        Assert.Equal($"jobs/{id}/output/out.txt", completed.File("output_files", "out.txt").Str("path"));
        Assert.Equal([$"jobs/{id}/input/in.txt", $"jobs/{id}/output/out.txt"], await stores.KeysAsync($"jobs/{id}/"));

        var read = await a.GetAsync($"/compute/jobs/{id}/files/output/out.txt", Ct);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(output, await read.Content.ReadAsByteArrayAsync(Ct));
        var tag = read.Headers.ETag;
        Assert.NotNull(tag);
        using (var again = new HttpRequestMessage(HttpMethod.Get, $"/compute/jobs/{id}/files/output/out.txt"))
        {
            again.Headers.IfNoneMatch.Add(tag);
            Assert.Equal(HttpStatusCode.NotModified, (await b.SendAsync(again, Ct)).StatusCode);
        }
        await AssertCleanAsync(a, b);

        // Deleted through either, a job takes its objects along.
        Assert.Equal(HttpStatusCode.NoContent, (await b.DeleteAsync($"/compute/jobs/{id}", Ct)).StatusCode);
        Assert.Empty(await stores.KeysAsync($"jobs/{id}/"));
        var other = (await Expect.StatusAsync(await b.PostAsync("/compute/jobs/multi", JobKit.Form("x.txt", Forms.Text("x")), Ct), HttpStatusCode.Created)).JobId();
        Assert.Single(await stores.KeysAsync($"jobs/{other}/"));
        Assert.Equal(HttpStatusCode.NoContent, (await a.DeleteAsync($"/compute/jobs/{other}", Ct)).StatusCode);
        Assert.Empty(await stores.KeysAsync("jobs/"));
        await AssertCleanAsync(a, b);
    }

    [Fact]
    public async Task A_delete_on_one_racing_an_upload_of_the_same_content_on_the_other_never_takes_the_uploads_object()
    {
        await using var stores = await TwoStores.StartAsync();
        using var a = stores.ClientA();
        using var b = stores.ClientB();
        // One content throughout, uploaded the same day: every round's upload goes to the key its delete removes. The
        // delete takes a collection of many files with it, that one last (deepest first, then by id), so its objects
        // are deleted well after its commit: the gap in which an upload of the same content on the other instance
        // commits its own row for that key.
        var content = Media.TestMedia.Png(41, 96, 64);
        var random = new Random(14);
        var answers = new Dictionary<HttpStatusCode, int>();
        for (var round = 0; round < Rounds; round++)
        {
            var (deleter, uploader) = round % 2 == 0 ? (a, b) : (b, a);
            var album = (await Expect.StatusAsync(await deleter.PostAsync("/entities", Forms.Entity(true, $"album {round}"), Ct), HttpStatusCode.Created)).Id();
            for (var n = 0; n < Fillers; n++)
                await Expect.StatusAsync(await (n % 2 == 0 ? a : b).PostAsync("/entities",
                    Forms.Entity(false, $"filler {n}", parentId: album, file: Forms.Text($"round {round} filler {n}"), fileName: "f.txt"), Ct), HttpStatusCode.Created);
            await Expect.StatusAsync(await deleter.PostAsync("/entities", Upload(content, album), Ct), HttpStatusCode.Created);

            var delete = deleter.DeleteAsync($"/entities/{album}?recursive=true", Ct);
            await Task.Delay(random.Next(0, 40), Ct);
            var uploaded = await uploader.PostAsync("/entities", Upload(content, null), Ct);
            Assert.Equal(HttpStatusCode.NoContent, (await delete).StatusCode);
            // 201: a new row after the delete's commit; 200: the old row, found before that commit and gone since.
            Assert.True(uploaded.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, $"round {round}: {(int)uploaded.StatusCode}");
            answers[uploaded.StatusCode] = answers.GetValueOrDefault(uploaded.StatusCode) + 1;
            if (uploaded.StatusCode != HttpStatusCode.Created) continue;
            var id = (await uploaded.ReadJsonAsync()).Id();
            // Read through the instance that deleted: the object is the bucket's, whichever put it.
            var file = await deleter.GetAsync($"/entities/{id}/file", Ct);
            Assert.True(file.StatusCode == HttpStatusCode.OK, $"round {round}: entity {id}'s file answered {(int)file.StatusCode} ({string.Join(", ", answers)})");
            Assert.Equal(content, await file.Content.ReadAsByteArrayAsync(Ct));
            Assert.Equal(HttpStatusCode.NoContent, (await uploader.DeleteAsync($"/entities/{id}", Ct)).StatusCode);
        }
        TestContext.Current.TestOutputHelper?.WriteLine("uploads answered: " + string.Join(", ", answers.Select(p => $"{(int)p.Key} × {p.Value}")));
        Assert.True(answers.GetValueOrDefault(HttpStatusCode.Created) > 0, "no upload came after a delete's commit: the race was never run");
        await AssertCleanAsync(a, b);
        Assert.Empty(await stores.KeysAsync("store/"));
    }

    const int Rounds = 12;
    const int Fillers = 16;

    static MultipartFormDataContent Upload(byte[] content, long? parent) =>
        Forms.Entity(false, "sent again", parentId: parent, file: content, fileName: "again.png");

    /// <summary>Neither instance's audit finds an object no row names, or a row whose object is gone.</summary>
    static async Task AssertCleanAsync(params HttpClient[] clients)
    {
        foreach (var client in clients)
        {
            var report = await client.GetOkAsync("/system/audit");
            Assert.True(report.GetProperty("orphaned_files").GetArrayLength() == 0, report.ToString());
            Assert.True(report.GetProperty("missing_files").GetArrayLength() == 0, report.ToString());
        }
    }
}
