# A provider-free stand-in for FlowViz's regional stack (the runbook's infrastructure/ directory):
# `terraform workspace select prod-dr; terraform apply -var="region=us-west-2"`. It starts a
# private PostgreSQL cluster for the region's database and outputs what flowviz-dr reads back.
terraform {
  required_version = ">= 1.4"
}

variable "region" {
  type = string
}

variable "db_password" {
  type      = string
  sensitive = true
}

variable "state_dir" {
  type    = string
  default = "/tmp/flowviz-dr-terraform-stacks"
}

locals {
  dir  = "${var.state_dir}/${terraform.workspace}-${var.region}"
  port = 15000 + parseint(substr(sha1(local.dir), 0, 4), 16) % 10000
}

resource "terraform_data" "database" {
  input = {
    dir     = local.dir
    port    = local.port
    scripts = abspath("${path.module}/../local-instance")
  }

  provisioner "local-exec" {
    command = "${abspath(path.module)}/../local-instance/start-cluster.sh"
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

output "db_host" {
  value = "127.0.0.1"
}

output "db_port" {
  value = terraform_data.database.output.port
}

output "db_user" {
  value = "admin"
}

output "app_endpoint" {
  value = "api.${var.region}.flowviz.test"
}

output "region" {
  value = var.region
}
