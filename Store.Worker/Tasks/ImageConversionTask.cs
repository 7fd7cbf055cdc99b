using System.Text.Json.Nodes;

namespace Store.Worker.Tasks;

/// <summary>
/// image_conversion: params <c>format</c> (png, jpeg, webp, gif, bmp, tiff; required) and <c>quality</c>
/// (1-100, default 90, for jpeg and webp). Each input becomes <c>&lt;name&gt;.&lt;format&gt;</c>.
/// </summary>
public sealed class ImageConversionTask : IComputeTask
{
    public string Name => "image_conversion";

    public async Task<JsonObject> RunAsync(TaskContext context, CancellationToken ct)
    {
        var format = TaskParams.String(context.Params, "format")
                     ?? throw new TaskFailedException($"params.format is required: one of {string.Join(", ", ImageFiles.FormatNames)}");
        var quality = TaskParams.Int(context.Params, "quality", 1, 100) ?? ImageFiles.DefaultQuality;
        var target = ImageFiles.Encoder(format, quality);

        var files = new JsonArray();
        for (var i = 0; i < context.Inputs.Count; i++)
        {
            var input = context.Inputs[i];
            var (image, _) = await ImageFiles.LoadAsync(input, ct);
            using (image) files.Add(await ImageFiles.SaveAsync(image, input, context.OutputDir, "", target, ct));
            await context.FileDoneAsync(i + 1);
        }
        return new JsonObject { ["files"] = files };
    }
}
