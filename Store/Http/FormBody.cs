namespace Store.Http;

/// <summary>
/// The text fields of a form body, multipart or urlencoded, last value winning, for endpoints that take a
/// few fields and no files. Beyond the form readers' limits is the client's mistake, never a 500.
/// </summary>
public static class FormBody
{
    public static async Task<IReadOnlyDictionary<string, string>> ReadFieldsAsync(HttpRequest request, string tempDir, CancellationToken ct)
    {
        // Any file parts are deleted when the form is disposed: these endpoints take text only.
        await using var form = await MultipartForm.ReadAsync(request, tempDir, ct);
        return form.Fields.Where(f => f.Value.Count > 0).ToDictionary(f => f.Key, f => f.Value[^1], StringComparer.Ordinal);
    }
}
