using System.Net;
using Store.Tests.Infrastructure;
using static Store.Tests.Clients.ClientKit;

namespace Store.Tests.Clients;

/// <summary>
/// Every endpoint that takes a form takes application/x-www-form-urlencoded too (contract section 8), with the
/// same validation and the same errors as multipart: the Python SDK sends a form without a file that way.
/// </summary>
public sealed class UrlEncodedFormTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_collection_is_created_and_replaced_from_a_urlencoded_form()
    {
        await using var host = await StoreHost.StartAsync();
        var parent = await host.Client.CreateCollectionAsync("parent");
        var created = await Expect.StatusAsync(await host.Client.PostAsync("/entities",
            UrlEncoded(("is_collection", "true"), ("label", "Holidays"), ("description", "summer"), ("parent_id", parent.Id().ToString())), Ct), HttpStatusCode.Created);
        Assert.Equal("Holidays", created.Str("label"));
        Assert.Equal("summer", created.Str("description"));
        Assert.Equal(parent.Id(), created.GetProperty("parent_id").GetInt64());

        var replaced = await Expect.StatusAsync(await host.Client.PutAsync($"/entities/{created.Id()}",
            UrlEncoded(("is_collection", "true"), ("label", "Trips")), Ct), HttpStatusCode.OK);
        Assert.Equal("Trips", replaced.Str("label"));
        Assert.True(replaced.IsNull("description"));
        Assert.True(replaced.IsNull("parent_id"));
    }

    [Fact]
    public async Task A_media_item_without_a_file_is_refused_as_in_multipart()
    {
        await using var host = await StoreHost.StartAsync();
        var fromForm = await Expect.ValidationAsync(await host.Client.PostAsync("/entities", UrlEncoded(("is_collection", "false"), ("label", "x")), Ct), "body", "image");
        var fromMultipart = await Expect.ValidationAsync(await host.Client.PostAsync("/entities", Forms.Entity(false, "x"), Ct), "body", "image");
        Assert.Equal(fromMultipart.ToString(), fromForm.ToString());
    }

    [Theory]
    [InlineData("label=x", "is_collection")]
    [InlineData("is_collection=maybe&label=x", "is_collection")]
    [InlineData("is_collection=true&parent_id=abc", "parent_id")]
    public async Task Create_validation_gives_the_same_errors_for_both_forms(string body, string field)
    {
        await using var host = await StoreHost.StartAsync();
        var pairs = body.Split('&').Select(p => p.Split('=')).Select(p => (p[0], p[1])).ToArray();
        var fromForm = await Expect.ValidationAsync(await host.Client.PostAsync("/entities", UrlEncoded(pairs), Ct), "body", field);
        var fromMultipart = await Expect.ValidationAsync(await host.Client.PostAsync("/entities", Forms.Fields(pairs), Ct), "body", field);
        Assert.Equal(fromMultipart.ToString(), fromForm.ToString());
    }

    [Fact]
    public async Task Replace_refuses_a_changed_is_collection_and_a_missing_label_from_a_urlencoded_form()
    {
        await using var host = await StoreHost.StartAsync();
        var collection = await host.Client.CreateCollectionAsync("c");
        await Expect.DetailAsync(await host.Client.PutAsync($"/entities/{collection.Id()}",
            UrlEncoded(("is_collection", "false"), ("label", "x")), Ct), HttpStatusCode.UnprocessableEntity);
        await Expect.ValidationAsync(await host.Client.PutAsync($"/entities/{collection.Id()}", UrlEncoded(("is_collection", "true")), Ct), "body", "label");
        Assert.Equal("c", (await host.Client.GetOkAsync($"/entities/{collection.Id()}")).Str("label"));
    }

    [Fact]
    public async Task Patch_takes_the_soft_delete_the_python_sdk_sends()
    {
        await using var host = await StoreHost.StartAsync();
        var media = await host.Client.CreateMediaAsync("soft");
        var patched = await Expect.StatusAsync(await host.Client.PatchAsync($"/entities/{media.Id()}", UrlEncoded(("is_deleted", "true")), Ct), HttpStatusCode.OK);
        Assert.True(patched.GetProperty("is_deleted").GetBoolean());
        await Expect.ValidationAsync(await host.Client.PatchAsync($"/entities/{media.Id()}", UrlEncoded(("is_deleted", "perhaps")), Ct), "body", "is_deleted");
    }

    [Fact]
    public async Task A_job_names_external_files_from_a_urlencoded_form_and_is_refused_without_inputs()
    {
        await using var host = await StoreHost.StartAsync();
        var media = await host.Client.PostAsync("/entities", Forms.Entity(false, "x", file: Forms.Text("external input"), fileName: "a.txt"), Ct);
        var stored = host.MediaPath((await Expect.StatusAsync(media, HttpStatusCode.Created)).Str("file_path")!);
        var external = $$"""[{"path": "{{stored}}"}]""";
        var job = await Expect.StatusAsync(await host.Client.PostAsync("/compute/jobs/media_hash",
            UrlEncoded(("external_files", external), ("priority", "7")), Ct), HttpStatusCode.Created);
        Assert.Equal(7, job.GetProperty("priority").GetInt32());
        Assert.Single(job.GetProperty("input_files").EnumerateArray());

        await Expect.DetailAsync(await host.Client.PostAsync("/compute/jobs/media_hash", UrlEncoded(("priority", "5")), Ct),
            HttpStatusCode.BadRequest, "At least one input file");
        await Expect.DetailAsync(await host.Client.PostAsync("/compute/jobs/media_hash",
            UrlEncoded(("external_files", external), ("priority", "11")), Ct), HttpStatusCode.BadRequest, "priority");
    }
}
