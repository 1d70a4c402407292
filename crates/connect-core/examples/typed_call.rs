//! The typed library at work: update a user's identity information with the generated input
//! type, then read the user back into the generated output type. Credentials and region come
//! from the environment and AWS configuration files, as for the command line.
//!
//! ```sh
//! cargo run -p connect-core --example typed_call -- http://127.0.0.1:8080 INSTANCE_ID USER_ID
//! ```

use connect_core::call::{CallError, call};
use connect_core::generated::SERVICE;
use connect_core::generated::types::{
    DescribeUserRequest, DescribeUserResponse, UpdateUserIdentityInfoRequest, UserIdentityInfo,
};
use connect_core::wire::client::Settings;

fn main() -> Result<(), CallError> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [endpoint, instance_id, user_id] = args.as_slice() else {
        eprintln!("usage: typed_call ENDPOINT_URL INSTANCE_ID USER_ID");
        std::process::exit(2);
    };
    let settings = Settings { endpoint_url: Some(endpoint.clone()), ..Settings::default() };

    let update = UpdateUserIdentityInfoRequest {
        identity_info: UserIdentityInfo {
            first_name: Some("Mary".into()),
            last_name: Some("Major".into()),
            email: Some("marym@example.com".into()),
            secondary_email: None,
            mobile: None,
        },
        user_id: user_id.clone(),
        instance_id: instance_id.clone(),
    };
    call::<_, ()>(&SERVICE, "UpdateUserIdentityInfo", &update, &settings)?;

    let describe = DescribeUserRequest { user_id: user_id.clone(), instance_id: instance_id.clone() };
    let described: DescribeUserResponse = call(&SERVICE, "DescribeUser", &describe, &settings)?;
    let info = described.user.and_then(|user| user.identity_info);
    let field =
        |f: fn(&UserIdentityInfo) -> &Option<String>| info.as_ref().and_then(|i| f(i).clone()).unwrap_or_default();
    println!("{} {} <{}>", field(|i| &i.first_name), field(|i| &i.last_name), field(|i| &i.email));
    Ok(())
}
