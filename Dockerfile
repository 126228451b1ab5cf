# syntax=docker/dockerfile:1
# MediaProxy: build with the .NET SDK, run on the ASP.NET Core runtime as a non-root user on port 8080.
# Both base images are pinned to exact versions (SDK 10.0.401 ships runtime 10.0.12): a rebuild gets the same
# compiler, analyzers and runtime as the build that was tested. Move them together, on purpose.
FROM mcr.microsoft.com/dotnet/sdk:10.0.401 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY MediaProxy.Core/MediaProxy.Core.csproj MediaProxy.Core/
COPY MediaProxy.Api/MediaProxy.Api.csproj MediaProxy.Api/
RUN dotnet restore MediaProxy.Api/MediaProxy.Api.csproj
COPY MediaProxy.Core/ MediaProxy.Core/
COPY MediaProxy.Api/ MediaProxy.Api/
# Warnings are errors where the code is built and tested (Directory.Build.props, CI), not here: an image build of
# code that passed CI must not fail on a warning a newer analyzer invents.
RUN dotnet publish MediaProxy.Api/MediaProxy.Api.csproj -c Release -o /app --no-restore -p:TreatWarningsAsErrors=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0.12 AS runtime
WORKDIR /app
COPY --from=build /app ./
# Alone, the image keeps its events in the embedded store (Garnet in the process) on the /data volume: durable as
# a single instance. Several instances share a Redis instead (its connection string, as docker-compose.yml sets).
RUN mkdir /data && chown "$APP_UID" /data
VOLUME /data
ENV ASPNETCORE_HTTP_PORTS=8080 \
    ASPNETCORE_ENVIRONMENT=Production \
    MediaProxy__Embedded__DataDirectory=/data
EXPOSE 8080
# The image's built-in non-root user (uid 1654); no secrets are baked in: configure through the environment.
USER $APP_UID
# The app probes itself (the image has no curl): GET /health/ready on the first port of ASPNETCORE_HTTP_PORTS,
# healthy on a 2xx. Orchestrators should probe /health/live (process) and /health/ready (Redis answers) directly.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
    CMD ["dotnet", "/app/MediaProxy.Api.dll", "probe"]
ENTRYPOINT ["dotnet", "MediaProxy.Api.dll"]
