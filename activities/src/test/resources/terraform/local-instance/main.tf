# A provider-free stand-in for a real database stack: terraform_data runs a script that starts a
# private PostgreSQL cluster on this machine. The contract is the one flowviz-dr expects of any
# stack: variables name, region and db_password (sensitive); outputs host, port and user.
terraform {
  required_version = ">= 1.4"
}

variable "name" {
  type = string
}

variable "region" {
  type    = string
  default = "local"
}

variable "db_password" {
  type      = string
  sensitive = true
}

variable "state_dir" {
  type    = string
  default = "/tmp/flowviz-dr-terraform-instances"
}

locals {
  # A port from the name, known at plan time.
  port = 15000 + parseint(substr(sha1("${var.name}-${terraform.workspace}"), 0, 4), 16) % 10000
  dir  = "${var.state_dir}/${terraform.workspace}-${var.name}"
}

resource "terraform_data" "database" {
  input = {
    dir     = local.dir
    port    = local.port
    scripts = abspath(path.module)
  }

  provisioner "local-exec" {
    command = "${abspath(path.module)}/start-cluster.sh"
    environment = {
      CLUSTER_DIR      = local.dir
      CLUSTER_PORT     = tostring(local.port)
      CLUSTER_PASSWORD = var.db_password
    }
  }

  provisioner "local-exec" {
    when    = destroy
    command = "${self.input.scripts}/stop-cluster.sh"
    environment = {
      CLUSTER_DIR = self.input.dir
    }
  }
}

output "host" {
  value = "127.0.0.1"
}

output "port" {
  value = terraform_data.database.output.port
}

output "user" {
  value = "admin"
}

output "region" {
  value = var.region
}

# flowviz-dr's ownership mark: only workspaces with it are reused or destroyed.
output "flowviz_dr_owned" {
  value = true
}
