//! Profiles in the config file: selection, precedence, `client_secret_cmd`, `config path|show`,
//! and the warning for secret files others can read.

use crate::harness::{Sim, Zoomsh};
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use zoomsh::sim;

/// zoomsh with no credentials in the environment and a config file in its default place
/// (`$XDG_CONFIG_HOME/zoomsh/config.toml`), mode 0600.
fn with_config(text: &str) -> (Zoomsh, PathBuf) {
    let z = Zoomsh::new();
    let path = z.file("config/zoomsh/config.toml", text);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    (z, path)
}

/// A profile pointing at `sim` whose secret comes from a command.
fn secret_cmd_profile(sim: &Sim, name: &str, cmd: &str) -> String {
    format!(
        "[profiles.{name}]\naccount_id = \"{}\"\nclient_id = \"{}\"\nclient_secret_cmd = '{cmd}'\n\
         oauth_url = \"{url}\"\napi_url = \"{url}\"\n",
        sim::DEMO_ACCOUNT_ID,
        sim::DEMO_CLIENT_ID,
        url = sim.url()
    )
}

#[test]
fn a_profiles_client_secret_cmd_is_run_and_its_output_used() {
    let sim = Sim::start();
    // The command also leaves a mark, so the test sees that it ran.
    let cmd = format!(
        "touch ran.mark; printf \"%s\\n\" {}",
        sim::DEMO_CLIENT_SECRET
    );
    let (z, _) = with_config(&secret_cmd_profile(&sim, "work", &cmd));
    let dir = z.dir.clone(); // keeps the working directory alive after `run`
    let run = z
        .args(["--profile", "work", "get", "/users/me", "--jq", ".email"])
        .run();
    run.success();
    assert_eq!(run.stdout, "ada.example@example.com\n");
    assert!(dir.path().join("ran.mark").exists());
    assert_eq!(sim.stats().tokens_minted, 1);
}

#[test]
fn zoomsh_profile_and_the_default_profile_are_picked_up() {
    let sim = Sim::start();
    let good = format!("printf %s {}", sim::DEMO_CLIENT_SECRET);
    let text = format!(
        "{}\n{}",
        secret_cmd_profile(&sim, "default", "printf %s wrong-secret"),
        secret_cmd_profile(&sim, "ops", &good)
    );
    let (z, _) = with_config(&text);
    // No --profile: `default`, whose secret is wrong: the token endpoint refuses (exit 3).
    z.args(["get", "/users/me"]).run().code(3);
    let (z, _) = with_config(&text);
    z.env("ZOOMSH_PROFILE", "ops")
        .args(["get", "/users/me", "--jq", ".id"])
        .run()
        .success();
}

#[test]
fn flags_beat_env_beat_profile() {
    let sim = Sim::start();
    let text = format!(
        "[profiles.default]\naccount_id = \"{}\"\nclient_id = \"{}\"\nclient_secret = \"wrong\"\n\
         api_url = \"http://127.0.0.1:9\"\noauth_url = \"{}\"\n",
        sim::DEMO_ACCOUNT_ID,
        sim::DEMO_CLIENT_ID,
        sim.url()
    );
    // The environment's secret wins over the profile's; --api-url wins over the profile's.
    let (z, _) = with_config(&text);
    let run = z
        .env("ZOOM_CLIENT_SECRET", sim::DEMO_CLIENT_SECRET)
        .args([
            "--api-url",
            &sim.url(),
            "get",
            "/users/me",
            "--jq",
            ".email",
        ])
        .run();
    run.success();
    assert_eq!(run.stdout, "ada.example@example.com\n");
    // The environment's API URL wins over the profile's too.
    let (z, _) = with_config(&text);
    z.env("ZOOM_CLIENT_SECRET", sim::DEMO_CLIENT_SECRET)
        .env("ZOOMSH_API_URL", &sim.url())
        .args(["get", "/users/me"])
        .run()
        .success();
}

#[test]
fn a_failing_secret_cmd_is_a_config_error_that_shows_none_of_its_output() {
    let sim = Sim::start();
    let (z, _) = with_config(&secret_cmd_profile(
        &sim,
        "default",
        "echo s3cr3t-ish; exit 7",
    ));
    let run = z.args(["get", "/users/me"]).run();
    run.code(2);
    assert_eq!(
        run.stderr,
        "error: the client_secret_cmd of profile \"default\" (\"echo s3cr3t-ish; exit 7\") failed \
         with exit status 7; run it yourself to see why (its output is never shown)\n"
    );
    assert!(!run.stdout.contains("s3cr3t-ish"));
    assert_eq!(sim.stats().token_requests, 0);
}

#[test]
fn an_unknown_profile_names_the_ones_there_are() {
    let (z, path) = with_config("[profiles.default]\n[profiles.work]\n");
    let run = z.args(["--profile", "prod", "get", "/users/me"]).run();
    run.code(2);
    assert_eq!(
        run.stderr,
        format!(
            "error: --profile names profile \"prod\", which is not in the config file ({} has \
             default, work); add [profiles.prod] or pick another\n",
            path.display()
        )
    );
}

#[test]
fn config_path_and_show_with_secrets_redacted() {
    let text = "[profiles.default]\naccount_id = \"ACC1\"\nclient_id = \"CID1\"\n\
                client_secret = \"hunter2-secret\"\n\n[profiles.work]\n\
                client_secret_cmd = \"pass show zoom/work\"\nplan = \"pro\"\n";
    let (z, path) = with_config(text);
    let run = z.args(["config", "path"]).run();
    run.success();
    assert_eq!(run.stdout, format!("{}\n", path.display()));

    let (z, path) = with_config(text);
    let run = z.args(["config", "show"]).run();
    run.success();
    assert_eq!(
        run.stdout,
        format!(
            "# {}\n# profile in use: default\n[profiles.default]\naccount_id = \"ACC1\"\n\
             client_id = \"CID1\"\nclient_secret = \"(redacted)\"\n\n[profiles.work]\n\
             client_secret_cmd = \"pass show zoom/work\"\nplan = \"pro\"\n",
            path.display()
        )
    );
    assert_eq!(run.stderr, "");

    // ZOOMSH_CONFIG moves the file.
    let z = Zoomsh::new();
    let elsewhere = z.file("elsewhere.toml", "[profiles.x]\nclient_id = \"C\"\n");
    let run = z
        .env("ZOOMSH_CONFIG", elsewhere.to_str().unwrap())
        .args(["--profile", "x", "config", "show"])
        .run();
    assert_eq!(
        run.stdout,
        format!(
            "# {}\n# profile in use: x\n[profiles.x]\nclient_id = \"C\"\n",
            elsewhere.display()
        )
    );
}

#[test]
fn a_secret_file_others_can_read_gets_a_warning() {
    let sim = Sim::start();
    let text = format!(
        "[profiles.default]\naccount_id = \"{}\"\nclient_id = \"{}\"\nclient_secret = \"{}\"\n\
         oauth_url = \"{url}\"\napi_url = \"{url}\"\n",
        sim::DEMO_ACCOUNT_ID,
        sim::DEMO_CLIENT_ID,
        sim::DEMO_CLIENT_SECRET,
        url = sim.url()
    );
    let (z, path) = with_config(&text);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let run = z.args(["get", "/users/me", "--jq", ".type"]).run();
    run.success();
    assert_eq!(run.stdout, "2\n");
    assert_eq!(
        run.stderr,
        format!(
            "warning: {p} holds a client secret and its group and all other users can read it \
             (mode 644); run chmod 600 {p}\n",
            p = path.display()
        )
    );
    // At 0600, no warning.
    let (z, _) = with_config(&text);
    let run = z.args(["get", "/users/me", "--jq", ".type"]).run();
    assert_eq!(run.stderr, "");

    // The same for .env.
    let z = Zoomsh::new();
    let dotenv = z.file(
        ".env",
        &format!(
            "ZOOMSH_OAUTH_URL={url}\nZOOMSH_API_URL={url}\nZOOM_ACCOUNT_ID={}\nZOOM_CLIENT_ID={}\nZOOM_CLIENT_SECRET={}\n",
            sim::DEMO_ACCOUNT_ID,
            sim::DEMO_CLIENT_ID,
            sim::DEMO_CLIENT_SECRET,
            url = sim.url()
        ),
    );
    std::fs::set_permissions(&dotenv, std::fs::Permissions::from_mode(0o640)).unwrap();
    let run = z.args(["get", "/users/me", "--jq", ".type"]).run();
    run.success();
    assert!(
        run.stderr.contains(
            " holds a client secret and its group can read it (mode 640); run chmod 600 "
        ),
        "{run:?}"
    );
}

#[test]
fn a_profiles_plan_sizes_the_rate_limits_below_the_flag() {
    let sim = Sim::start();
    let text = format!(
        "{}plan = \"free\"\n",
        secret_cmd_profile(
            &sim,
            "default",
            &format!("printf %s {}", sim::DEMO_CLIENT_SECRET)
        )
    );
    let plan_line = |run: &crate::harness::Run| {
        run.lines()
            .into_iter()
            .find(|l| l.starts_with("plan:"))
            .map(str::to_string)
            .unwrap_or_else(|| panic!("{run:?}"))
    };
    let (z, path) = with_config(&text);
    let run = z.args(["auth", "status"]).run();
    run.success();
    assert_eq!(
        plan_line(&run),
        "plan:        free (sizes the client-side rate limits)"
    );
    assert!(
        run.stdout
            .contains(&format!("\nprofile:     default ({})\n", path.display()))
    );
    let (z, _) = with_config(&text);
    let run = z.args(["--plan", "business", "auth", "status"]).run();
    assert_eq!(
        plan_line(&run),
        "plan:        business (sizes the client-side rate limits)"
    );
}
