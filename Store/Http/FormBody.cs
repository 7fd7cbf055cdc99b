namespace Store.Http;

/// <summary>
/// The text fields of a form body, multipart or urlencoded, last value winning, for endpoints that take a
/// few fields and no files. Beyond the form readers' limits is the client's mistake, never a 500.
/// </summary>
public static class FormBody
{
    public static async Task<IReadOnlyDictionary<string, string>> ReadFieldsAsync(HttpRequest request, string tempDir, CancellationToken ct)
    {
        if (MultipartForm.IsMultipart(request))
        {
            // Any file parts are deleted when the form is disposed: these endpoints take text only.
            await using var multipart = await MultipartForm.ReadAsync(request, tempDir, ct);
            return multipart.Fields.ToDictionary(f => f.Key, f => f.Value[^1], StringComparer.Ordinal);
        }
        try
        {
            var form = await request.ReadFormAsync(ct);
            return form.ToDictionary(f => f.Key, f => f.Value.Count > 0 ? f.Value[^1] ?? "" : "", StringComparer.Ordinal);
        }
        catch (InvalidDataException e)
        {
            // ASP.NET's urlencoded limits (a key over 2 KiB, more than 1024 values…) say so with InvalidDataException.
            throw new RequestShapeError(new ValidationItem(["body"], "The form is beyond the server's limits: " + e.Message, "value_error"));
        }
    }
}
